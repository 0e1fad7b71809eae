"""Synthetic postings for demos and benchmarks: English, Turkish, Russian, German and Spanish, with
markdown descriptions, salaries in local currencies and realistic tags. Bulk-loaded straight into the
database and the search index (no outbox events: a seed is a load, not a stream of edits)."""

# ruff: noqa: RUF001 - Turkish and Russian letters are the point here

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine, func, insert, select

from postings.db import posting_tags, postings
from postings.search.base import SearchIndex
from postings.store import posting_dict, utcnow

INDEX_LOADERS = 2


@dataclass(frozen=True)
class Locale:
    language: str
    currency: str
    salary: tuple[int, int]
    locations: tuple[str, ...]
    roles: tuple[str, ...]
    levels: dict[str, str]
    intro: tuple[str, ...]
    duties_heading: str
    duties: tuple[str, ...]
    needs_heading: str
    needs: tuple[str, ...]
    offer_heading: str
    offers: tuple[str, ...]


LOCALES = (
    Locale(
        language="en",
        currency="USD",
        salary=(60_000, 220_000),
        locations=("London", "New York", "Berlin", "Amsterdam", "Dublin", "Toronto", "Austin", "Remote (EU)"),
        roles=(
            "Backend Engineer",
            "Platform Engineer",
            "Site Reliability Engineer",
            "Data Engineer",
            "Frontend Developer",
            "Machine Learning Engineer",
            "Security Engineer",
            "Engineering Manager",
        ),
        levels={"junior": "Junior", "mid": "", "senior": "Senior", "lead": "Lead", "principal": "Principal"},
        intro=(
            "{company} builds tools that help small teams ship software with confidence.",
            "At {company} we run the payments infrastructure behind thousands of online shops.",
            "{company} is a fast-growing logistics company modernising how freight moves across Europe.",
        ),
        duties_heading="What you will do",
        duties=(
            "Design and operate services handling millions of requests a day",
            "Own features from the first sketch to production monitoring",
            "Improve our CI pipelines and developer tooling",
            "Mentor engineers and review code with care",
            "Work with product managers to shape the roadmap",
            "Keep our databases healthy: schema changes, backups, query tuning",
            "Run blameless post-mortems and fix the root causes",
        ),
        needs_heading="What we are looking for",
        needs=(
            "Several years of professional experience with {tag1} and {tag2}",
            "Comfort with Linux, containers and cloud infrastructure",
            "Clear written communication in English",
            "Experience with relational databases such as PostgreSQL or MySQL",
            "An interest in observability: metrics, logs and traces",
            "A habit of writing tests that catch real bugs",
        ),
        offer_heading="What we offer",
        offers=(
            "Flexible hours and a generous learning budget",
            "Private health insurance",
            "25 days of paid holiday",
            "Equity for every employee",
            "A yearly team offsite",
        ),
    ),
    Locale(
        language="tr",
        currency="TRY",
        salary=(600_000, 3_000_000),
        locations=("İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Eskişehir"),
        roles=(
            "Yazılım Geliştirici",
            "Backend Geliştirici",
            "DevOps Mühendisi",
            "Veri Mühendisi",
            "Mobil Uygulama Geliştirici",
            "Sistem Yöneticisi",
            "Yazılım Mimarı",
        ),
        levels={
            "junior": "Junior",
            "mid": "",
            "senior": "Kıdemli",
            "lead": "Takım Lideri",
            "principal": "Baş",
        },
        intro=(
            "{company}, İstanbul merkezli bir e-ticaret şirketidir ve ekibine yeni arkadaşlar arıyor.",
            "{company} olarak bankacılık ve ödeme sistemleri için güvenilir yazılımlar geliştiriyoruz.",
            "{company}, lojistik sektöründe dijital dönüşümü yöneten bir teknoloji şirketidir.",
        ),
        duties_heading="Sorumluluklar",
        duties=(
            "Yüksek trafikli servislerin tasarımı ve geliştirilmesi",
            "Kod incelemelerine katılmak ve ekip arkadaşlarına destek olmak",
            "Mikroservis mimarisinin iyileştirilmesi",
            "Veritabanı performansının izlenmesi ve optimize edilmesi",
            "Sürekli entegrasyon ve dağıtım süreçlerinin geliştirilmesi",
            "Ürün ekibiyle birlikte yeni özelliklerin planlanması",
        ),
        needs_heading="Aranan nitelikler",
        needs=(
            "{tag1} ve {tag2} ile en az üç yıl deneyim",
            "Üniversitelerin bilgisayar mühendisliği veya ilgili bölümlerinden mezun",
            "İlişkisel veritabanları konusunda bilgi sahibi",
            "Takım çalışmasına yatkın, iletişim becerileri güçlü",
            "Linux ve Docker konusunda deneyimli",
            "İngilizce teknik dokümanları okuyabilen",
        ),
        offer_heading="Sunduklarımız",
        offers=(
            "Özel sağlık sigortası",
            "Esnek çalışma saatleri",
            "Yemek kartı",
            "Eğitim ve konferans bütçesi",
            "Hibrit çalışma imkânı",
        ),
    ),
    Locale(
        language="ru",
        currency="RUB",
        salary=(150_000, 600_000),
        locations=("Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород"),
        roles=(
            "Разработчик",
            "Backend-разработчик",
            "DevOps-инженер",
            "Инженер данных",
            "Системный администратор",
            "Архитектор программного обеспечения",
            "Тестировщик",
        ),
        levels={
            "junior": "Младший",
            "mid": "",
            "senior": "Старший",
            "lead": "Ведущий",
            "principal": "Главный",
        },
        intro=(
            "{company} разрабатывает сервисы для онлайн-торговли, которыми пользуются миллионы людей.",
            "Компания {company} создаёт платёжную инфраструктуру для банков и магазинов.",
            "{company} — технологическая компания, которая автоматизирует логистику и доставку.",
        ),
        duties_heading="Чем предстоит заниматься",
        duties=(
            "Разработка и поддержка высоконагруженных сервисов",
            "Проектирование новых функций вместе с командой продукта",
            "Участие в код-ревью и наставничество",
            "Оптимизация запросов к базам данных",
            "Настройка мониторинга и алертинга",
            "Улучшение процессов непрерывной интеграции",
        ),
        needs_heading="Мы ожидаем",
        needs=(
            "Опыт коммерческой разработки на {tag1} и {tag2} от трёх лет",
            "Знание реляционных баз данных",
            "Понимание принципов построения распределённых систем",
            "Опыт работы с Linux и Docker",
            "Умение писать тесты и поддерживаемый код",
            "Ответственность и самостоятельность",
        ),
        offer_heading="Мы предлагаем",
        offers=(
            "Официальное трудоустройство",
            "ДМС со стоматологией",
            "Гибкий график",
            "Компенсацию обучения и конференций",
            "Возможность удалённой работы",
        ),
    ),
    Locale(
        language="de",
        currency="EUR",
        salary=(55_000, 130_000),
        locations=("Berlin", "München", "Hamburg", "Köln", "Frankfurt am Main", "Leipzig"),
        roles=(
            "Softwareentwickler",
            "Backend-Entwickler",
            "DevOps-Ingenieur",
            "Dateningenieur",
            "Frontend-Entwickler",
            "IT-Sicherheitsingenieur",
        ),
        levels={"junior": "Junior", "mid": "", "senior": "Senior", "lead": "Lead", "principal": "Principal"},
        intro=(
            "{company} entwickelt Software für den Mittelstand und wächst stetig.",
            "Bei {company} bauen wir die digitale Infrastruktur für Energieversorger.",
            "{company} ist ein Münchner Start-up, das Lieferketten transparent macht.",
        ),
        duties_heading="Deine Aufgaben",
        duties=(
            "Entwicklung und Betrieb skalierbarer Dienste",
            "Code-Reviews und Wissensaustausch im Team",
            "Verbesserung unserer Build- und Deployment-Pipelines",
            "Pflege und Optimierung unserer Datenbanken",
            "Enge Zusammenarbeit mit dem Produktmanagement",
        ),
        needs_heading="Dein Profil",
        needs=(
            "Mehrjährige Erfahrung mit {tag1} und {tag2}",
            "Sehr gute Deutsch- und gute Englischkenntnisse",
            "Erfahrung mit Linux, Containern und Cloud-Plattformen",
            "Freude an sauberem, getestetem Code",
        ),
        offer_heading="Wir bieten",
        offers=(
            "30 Tage Urlaub",
            "Betriebliche Altersvorsorge",
            "Flexible Arbeitszeiten",
            "Jobticket",
            "Weiterbildungsbudget",
        ),
    ),
    Locale(
        language="es",
        currency="EUR",
        salary=(30_000, 90_000),
        locations=("Madrid", "Barcelona", "Valencia", "Sevilla", "Málaga", "Bilbao"),
        roles=(
            "Desarrollador Backend",
            "Ingeniero de Plataforma",
            "Ingeniero DevOps",
            "Ingeniero de Datos",
            "Desarrollador Frontend",
        ),
        levels={"junior": "Junior", "mid": "", "senior": "Senior", "lead": "Líder", "principal": "Principal"},
        intro=(
            "{company} desarrolla soluciones de pago para comercios de toda España.",
            "En {company} construimos la plataforma de reservas de viajes más usada del sur de Europa.",
        ),
        duties_heading="Qué harás",
        duties=(
            "Diseñar y mantener servicios de alto tráfico",
            "Participar en revisiones de código",
            "Mejorar la observabilidad de nuestros sistemas",
            "Colaborar con el equipo de producto",
        ),
        needs_heading="Qué buscamos",
        needs=(
            "Experiencia con {tag1} y {tag2}",
            "Conocimientos de bases de datos relacionales",
            "Inglés técnico",
            "Ganas de aprender",
        ),
        offer_heading="Qué ofrecemos",
        offers=("Horario flexible", "Seguro médico privado", "Teletrabajo parcial", "Formación continua"),
    ),
)

COMPANIES = (
    "Acme Cloud",
    "Northwind Labs",
    "Trendyol Tech",
    "Papara",
    "Yandex Cloud",
    "Ozon Tech",
    "Zalando SE",
    "Delivery Hero",
    "Glovo",
    "Cabify",
    "Hepsiburada",
    "Getir",
    "Insider",
    "Kaspersky",
    "JetBrains",
    "N26",
    "Personio",
    "Celonis",
    "Typeform",
    "Peak Games",
    "Avito",
    "Tinkoff",
    "Spotify",
    "Klarna",
)
TAGS = (
    "python",
    "go",
    "java",
    "kotlin",
    "rust",
    "typescript",
    "javascript",
    "react",
    "vue",
    "node",
    "postgresql",
    "mysql",
    "redis",
    "kafka",
    "rabbitmq",
    "kubernetes",
    "docker",
    "terraform",
    "aws",
    "gcp",
    "linux",
    "django",
    "fastapi",
    "spring",
    "graphql",
    "grpc",
    "elasticsearch",
    "spark",
    "airflow",
    "c++",
    "c#",
    ".net",
    "php",
    "swift",
    "scala",
    "ml",
)
EMPLOYMENT = ("full_time", "full_time", "full_time", "part_time", "contract", "internship", "temporary")
WORKPLACES = ("onsite", "hybrid", "remote")
SENIORITY = ("junior", "mid", "mid", "senior", "senior", "lead", "principal")


def synthetic_posting(rng: random.Random) -> dict[str, Any]:
    locale = rng.choice(LOCALES)
    company = rng.choice(COMPANIES)
    seniority = rng.choice(SENIORITY)
    tags = rng.sample(TAGS, rng.randint(2, 6))
    level = locale.levels.get(seniority, "")
    title = f"{level} {rng.choice(locale.roles)}".strip() + f" ({tags[0]})"
    fill = {"company": company, "tag1": tags[0], "tag2": tags[1]}
    lines = [
        rng.choice(locale.intro).format(**fill),
        "",
        f"## {locale.duties_heading}",
        *(f"- {d}" for d in rng.sample(locale.duties, min(4, len(locale.duties)))),
        "",
        f"## {locale.needs_heading}",
        *(f"- {n.format(**fill)}" for n in rng.sample(locale.needs, min(4, len(locale.needs)))),
        "",
        f"## {locale.offer_heading}",
        *(f"- {o}" for o in rng.sample(locale.offers, min(3, len(locale.offers)))),
    ]
    low = rng.randrange(locale.salary[0], locale.salary[1], 1000)
    has_salary = rng.random() < 0.8
    return {
        "title": title,
        "company": company,
        "location": rng.choice(locale.locations),
        "workplace": rng.choice(WORKPLACES),
        "employment_type": rng.choice(EMPLOYMENT),
        "seniority": seniority,
        "salary_min": low if has_salary else None,
        "salary_max": low + rng.randrange(0, locale.salary[0], 1000) if has_salary else None,
        "salary_currency": locale.currency if has_salary else None,
        "language": locale.language,
        "description": "\n".join(lines),
        "tags": tags,
        "apply_url": f"https://jobs.example.com/{company.lower().replace(' ', '-')}/{rng.randrange(10**6)}",
        "apply_email": None,
        "status": "published" if rng.random() < 0.9 else rng.choice(("draft", "archived")),
    }


def seed_postings(
    engine: Engine, search: SearchIndex, count: int, *, batch_size: int = 1000, random_seed: int = 42
) -> int:
    """Insert `count` postings (ids after the current maximum) and bulk-load them into the index, on
    1 + INDEX_LOADERS connections at once."""
    rng = random.Random(random_seed)
    with engine.connect() as conn:
        first_id = int(conn.execute(select(func.coalesce(func.max(postings.c.id), 0))).scalar_one()) + 1
    now = utcnow()
    rows = [
        synthetic_posting(rng)
        | {"id": first_id + n, "created_at": now - timedelta(seconds=count - n), "version": 1}
        for n in range(count)
    ]
    for row in rows:
        row["updated_at"] = row["created_at"]
    # The index is loaded on other connections while the postings go in, so that the database works
    # on both cores while Python prepares the next batch.
    with ThreadPoolExecutor(max_workers=INDEX_LOADERS, thread_name_prefix="seed-index") as indexer:
        loads = []
        for i in range(0, count, batch_size):
            batch = rows[i : i + batch_size]
            _insert_postings(engine, batch)
            loads.append(indexer.submit(search.index_many, [posting_dict(r) for r in batch]))
            if loads[0].done():
                loads.pop(0).result()  # an indexing error stops the seed here
        for load in loads:
            load.result()
    return count


def _insert_postings(engine: Engine, batch: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(postings), batch)
        conn.execute(
            insert(posting_tags), [{"tag": t, "posting_id": r["id"]} for r in batch for t in r["tags"]]
        )
