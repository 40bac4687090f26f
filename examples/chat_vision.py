"""Ask a vision model about an image: pass a path, bytes or a data URI as a content part.

    python examples/chat_vision.py --image photo.jpg "What is in this picture?"

Images must be PNG or JPEG, at most 10 MB and 1024 px on the longest side (20 per request);
with ``pip install 'sogni[images]'`` larger images are scaled down automatically.
"""

from __future__ import annotations

from _chat_common import chat_parser, pick_model
from _common import asset, client, main


def run() -> None:
    cli = chat_parser(__doc__.splitlines()[0], prompt="Describe this image in one sentence.")
    cli.add_argument("--image", action="append", help="image file (repeat for several)")
    args = cli.parse_args()
    images = [asset(path, "image.png") for path in args.image or [None]]
    with client() as sogni:
        model = pick_model(sogni, args.model)
        answer = sogni.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": [args.prompt, *images]}],
            max_tokens=args.max_tokens,
            token_type=args.token_type,
        )
        print(f"{len(images)} image(s): {', '.join(path.name for path in images)}")
        print(answer.content)


if __name__ == "__main__":
    main(run)
