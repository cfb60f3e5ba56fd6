"""Training entry point (runs inside the container)."""
import os


def main() -> None:
    print("training on", os.environ.get("SM_CHANNEL_TRAIN"))


if __name__ == "__main__":
    main()
