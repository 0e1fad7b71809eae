"""Operations on a deployed stack: release the image, migrate the database, run tasks on its hosts."""
