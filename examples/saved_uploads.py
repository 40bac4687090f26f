"""Save an image once in the account's library, then use it in projects by id.

    python examples/saved_uploads.py [prompt] [--image PATH] [--keep] [--out DIR]

Saved uploads are for subscribers (the script subscribes first when the account has no
subscription; see ``subscription.py``). Saving the same bytes again sends nothing; a
project passed ``AssetRef(asset.id, asset.content_type)`` gets the saved file copied in by
the network instead of uploading it again.
"""

from __future__ import annotations

from _billing_common import subscribe
from _common import asset, client, follow, main, parser

from sogni import AssetRef


def run() -> None:
    cli = parser(__doc__.splitlines()[0], prompt="the same scene in winter")
    cli.add_argument("--image", help="image to save (default: a bundled placeholder)")
    cli.add_argument("--model", default="flux1-schnell-fp8", help="image model")
    cli.add_argument("--keep", action="store_true", help="keep the upload in the library")
    args = cli.parse_args()
    with client() as sogni:
        subscribe(sogni)
        saved = sogni.assets.upload(asset(args.image, "image.png"), name="example image")
        print(f"saved {saved.id} ({saved.content_type}, {saved.size} bytes)")
        again = sogni.assets.upload(asset(args.image, "image.png"), name="example image")
        print(f"saved again: {'reused, nothing sent' if again.reused else again.id}")
        library = sogni.assets.list()
        print(f"the library holds {len(library.assets)} upload(s)")
        project = sogni.projects.create(
            model_id=args.model,
            positive_prompt=args.prompt,
            seed=args.seed,
            starting_image=AssetRef(saved.id, saved.content_type),
            token_type=args.token_type,
        )
        follow(project, args.out, args.timeout)
        if not args.keep:
            sogni.assets.delete(saved.id)
            print(f"removed {saved.id} from the library")


if __name__ == "__main__":
    main(run)
