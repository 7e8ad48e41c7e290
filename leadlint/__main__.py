"""``python -m leadlint``."""

from leadlint.cli import main

if __name__ == "__main__":
    main()
