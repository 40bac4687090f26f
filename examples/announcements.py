"""Print the announcements live for the account; --dismiss ID hides one on every device.

    python examples/announcements.py [--platform sogni-mac] [--dismiss ID]

Live announcements also arrive on the socket as ``appAlert``; this reads what is live now,
e.g. when an app starts.
"""

from __future__ import annotations

import argparse

from _common import client, main


def run() -> None:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--platform", help="this app's app_source, for platform announcements")
    cli.add_argument("--dismiss", metavar="ID", help="dismiss this announcement")
    args = cli.parse_args()
    with client() as sogni:
        if args.dismiss:
            sogni.announcements.dismiss(args.dismiss)
            print(f"dismissed {args.dismiss}")
        live = sogni.announcements.active(platform=args.platform)
        print(f"{len(live)} announcement(s):")
        for item in live:
            pinned = ", pinned" if item.pinned else ""
            print(f"  [{item.severity}] {item.id}: {item.title} ({item.kind}{pinned})")
            print(f"      {item.body_markdown}")
            for action in item.actions or []:
                print(f"      -> {action.label}: {action.href}")


if __name__ == "__main__":
    main(run)
