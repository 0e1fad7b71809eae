"""SVG and PNG drawn through the real Graphviz: a valid SVG that stands alone, a whole PNG."""

from __future__ import annotations

import base64
import struct
import zlib
from pathlib import Path
from xml.etree import ElementTree

import pytest

from infra.diagram import architecture
from infra.diagram.image import render_image
from tests.infra.diagram.plans import web_stack

SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}href"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_svg_embeds_an_icon_per_node_and_labels_them(tmp_path: Path):
    arch = architecture(web_stack())
    written = render_image(arch, tmp_path / "out" / "web.svg", "svg")
    assert written == tmp_path / "out" / "web.svg"
    root = ElementTree.fromstring(written.read_bytes())
    assert root.tag == f"{SVG}svg"
    images = root.iter(f"{SVG}image")
    hrefs = [image.get(XLINK) or image.get("href") or "" for image in images]
    assert len(hrefs) == len(arch.nodes) == 10
    for href in hrefs:
        prefix = "data:image/png;base64,"
        assert href.startswith(prefix), href[:80]
        assert base64.b64decode(href[len(prefix) :]).startswith(PNG_SIGNATURE)
    texts = {t.text for t in root.iter(f"{SVG}text")}
    assert {"tiny-web", "Fargate service", "tiny-db", "RDS PostgreSQL 16", "443 via NAT", "80, 443"} <= texts
    clusters = {
        t.text for g in root.iter(f"{SVG}g") if g.get("class") == "cluster" for t in g.iter(f"{SVG}text")
    }
    assert {
        "VPC vpc 10.0.0.0/16",
        "public subnets (eu-west-1a, eu-west-1b)",
        "app subnets (eu-west-1a, eu-west-1b)",
        "data subnets (eu-west-1a, eu-west-1b)",
        "eu-west-1a",
        "AWS services outside the VPC (eu-west-1)",
    } <= clusters


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    chunks, offset = [], len(PNG_SIGNATURE)
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind, body = data[offset + 4 : offset + 8], data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert zlib.crc32(kind + body) == crc, kind
        chunks.append((kind, body))
        offset += 12 + length
    return chunks


def test_png_is_whole(tmp_path: Path):
    data = render_image(architecture(web_stack()), tmp_path / "web.png", "png").read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    chunks = _chunks(data)
    assert chunks[0][0] == b"IHDR"
    assert chunks[-1] == (b"IEND", b"")
    width, height, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert width > 500
    assert height > 500
    channels = {2: 3, 6: 4}[colour]
    pixels = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    assert len(pixels) == height * (1 + width * channels * depth // 8)


def test_an_unknown_format_is_refused(tmp_path: Path):
    with pytest.raises(ValueError, match="one of svg, png"):
        render_image(architecture(web_stack()), tmp_path / "web.gif", "gif")
