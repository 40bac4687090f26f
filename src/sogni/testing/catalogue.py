"""What the emulated network offers: media models, their tiers, size presets and LLM models.

Tier shapes follow the network's ``/api/v2/models/tiers`` document: Forge-style image tiers
carry no ``type`` key; Comfy image, video and audio tiers carry ``type``. Some tiers list
sampler/scheduler display names (``"Euler"``), others wire values (``"euler"``), as the
network does.
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = [
    "Catalogue",
    "LlmModel",
    "Model",
    "SizePreset",
    "default_catalogue",
]

JsonDict = dict[str, Any]


@attrs.frozen
class Model:
    """One media model: its id, display name, numeric SID, tier name and media kind."""

    id: str
    name: str
    sid: int
    tier: str
    media: str  # image | video | audio
    workers: int = 3
    external: bool = False  # rendered by an external API: results come as a direct resultUrl
    max_context_images: int = 0

    def as_list_entry(self) -> JsonDict:
        """The ``/api/v1/models/list`` entry."""
        return {
            "id": self.id,
            "name": self.name,
            "SID": self.sid,
            "tier": self.tier,
            "media": self.media,
        }


@attrs.frozen
class SizePreset:
    """A named output size."""

    id: str
    label: str
    width: int
    height: int
    ratio: str

    def as_json(self) -> JsonDict:
        """The size-presets endpoint entry."""
        aspect = self.width / self.height
        text = f"{aspect:.2f}".rstrip("0").rstrip(".")
        return {
            "label": self.label,
            "id": self.id,
            "width": self.width,
            "height": self.height,
            "ratio": self.ratio,
            "aspect": text,
        }


@attrs.frozen
class LlmModel:
    """An LLM served over ``llmJobRequest``; ``info`` is the ``swarmLLMModels`` value."""

    id: str
    info: JsonDict


# --- building blocks -------------------------------------------------------------------------


def _num(
    minimum: float,
    maximum: float,
    default: float,
    decimals: int | None = None,
    step: float | None = None,
) -> JsonDict:
    out: JsonDict = {"min": minimum, "max": maximum, "default": default}
    if decimals is not None:
        out["decimals"] = decimals
    if step is not None:
        out["step"] = step
    return out


def _options(allowed: list[Any], default: Any) -> JsonDict:
    return {"allowed": allowed, "default": default}


def _benchmark(sec: float, cn: float = 0.0, previews: float = 0.0, **context: float) -> JsonDict:
    out: JsonDict = {"sec": sec, "secCN": cn, "secMaxPreviews": previews}
    out.update(context)
    return out


FORGE_SAMPLERS_DISPLAY = [
    "Euler",
    "Euler a",
    "DPM++ 2M",
    "DPM++ 2M SDE",
    "DPM++ SDE",
    "Heun",
    "UniPC",
    "LCM (Latent Consistency Model)",
    "DDPM",
]
FORGE_SCHEDULERS_DISPLAY = [
    "Simple",
    "Normal",
    "Karras",
    "Exponential",
    "SGM Uniform",
    "Beta",
    "DDIM",
]
COMFY_SAMPLERS = [
    "euler",
    "euler_ancestral",
    "heun",
    "dpmpp_2m",
    "dpmpp_2m_sde",
    "dpmpp_sde",
    "uni_pc",
    "lcm",
    "res_multistep",
]
COMFY_SCHEDULERS = [
    "simple",
    "normal",
    "karras",
    "exponential",
    "sgm_uniform",
    "beta",
    "linear_quadratic",
    "kl_optimal",
]


def _forge_tier(
    steps: JsonDict,
    guidance: JsonDict,
    *,
    sampler: JsonDict,
    scheduler: JsonDict,
    bench: float,
    nickname: str,
    fee: float | None = None,
) -> JsonDict:
    tier: JsonDict = {
        "benchmark": _benchmark(bench, cn=bench * 0.3, previews=bench * 0.1),
        "guidance": guidance,
        "nickname": nickname,
        "scheduler": scheduler,
        "steps": steps,
        "sampler": sampler,
    }
    if fee is not None:
        tier["modelFeeUSD"] = fee
    return tier


def _comfy_image_tier(
    steps: JsonDict,
    guidance: JsonDict,
    *,
    bench: float,
    sampler: str = "euler",
    scheduler: str = "simple",
    default_size: int = 1024,
) -> JsonDict:
    return {
        "benchmark": _benchmark(
            bench,
            previews=bench * 0.1,
            secContext1=bench * 1.2,
            secContext2=bench * 1.4,
            secContext3=bench * 1.6,
        ),
        "comfySampler": _options(COMFY_SAMPLERS, sampler),
        "comfyScheduler": _options(COMFY_SCHEDULERS, scheduler),
        "defaultSize": default_size,
        "guidance": guidance,
        "steps": steps,
        "type": "image",
    }


def _video_tier(
    *,
    steps: JsonDict | None,
    guidance: JsonDict | None,
    fps: list[int],
    default_fps: int,
    size: dict[str, JsonDict],
    frames: JsonDict,
    bench: float,
    comfy: bool = True,
    shift: JsonDict | None = None,
    audio: bool = False,
    video_input: bool = False,
) -> JsonDict:
    tier: JsonDict = {
        "benchmark": _benchmark(bench),
        "fps": _options(fps, default_fps),
        "frames": frames,
        "height": size["height"],
        "type": "video",
        "width": size["width"],
    }
    if comfy:
        tier["comfySampler"] = _options(["euler", "euler_ancestral", "uni_pc", "dpmpp_2m"], "euler")
        tier["comfyScheduler"] = _options(
            ["simple", "normal", "beta", "linear_quadratic"], "simple"
        )
    if steps is not None:
        tier["steps"] = steps
    if guidance is not None:
        tier["guidance"] = guidance
    if shift is not None:
        tier["shift"] = shift
    if audio:
        tier["audioStart"] = {"min": 0, "default": 0}
        tier["audioDuration"] = {"min": 1, "default": 5}
    if video_input:
        tier["videoStart"] = {"min": 0, "default": 0}
    return tier


AUDIO_LANGUAGES = ["en", "zh", "ja", "ko", "es", "fr", "de", "it", "pt", "ru", "ar", "hi"]
AUDIO_KEYSCALES = [
    f"{note} {mode}"
    for mode in ("major", "minor")
    for note in ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B")
]


def _audio_tier(steps: JsonDict, *, bench: float, guidance: JsonDict | None = None) -> JsonDict:
    tier: JsonDict = {
        "benchmark": _benchmark(bench),
        "bpm": _num(30, 300, 120),
        "comfySampler": _options(["euler", "heun", "dpmpp_2m"], "euler"),
        "comfyScheduler": _options(["simple", "normal", "beta"], "simple"),
        "composerMode": {"default": False},
        "creativity": _num(0, 2, 0.85, decimals=2),
        "duration": _num(10, 600, 30),
        "keyscale": _options(AUDIO_KEYSCALES, "C major"),
        "language": _options(AUDIO_LANGUAGES, "en"),
        "promptStrength": _num(0, 10, 2.0, decimals=1),
        "shift": _num(1, 6, 3, decimals=1),
        "steps": steps,
        "timesignature": _options(["2", "3", "4", "6"], "4"),
        "type": "audio",
    }
    if guidance is not None:
        tier["guidance"] = guidance
    return tier


def _tiers() -> dict[str, JsonDict]:
    wan_size = {"width": _num(480, 1280, 848), "height": _num(480, 1280, 480)}
    ltx_size = {"width": _num(480, 1920, 1920), "height": _num(480, 1920, 1088)}
    sd_size = {"width": _num(480, 1920, 1920), "height": _num(480, 1920, 1088)}
    return {
        # Forge-style image tiers (no "type").
        "flux-schnell": _forge_tier(
            _num(1, 10, 4),
            _num(0, 2, 1, decimals=1),
            sampler=_options(
                ["euler", "euler_a", "dpmpp_2m", "dpmpp_2m_sde", "dpmpp_sde"], "euler"
            ),
            scheduler=_options(["simple", "normal", "karras", "beta", "sgm_uniform"], "simple"),
            bench=0.35,
            nickname="Flux Schnell",
        ),
        "flux-dev": _forge_tier(
            _num(1, 50, 20),
            _num(1, 10, 3.5, decimals=1),
            sampler=_options(FORGE_SAMPLERS_DISPLAY, "Euler"),
            scheduler=_options(FORGE_SCHEDULERS_DISPLAY, "Simple"),
            bench=0.9,
            nickname="Flux Dev",
        ),
        "flux-kontext": _forge_tier(
            _num(1, 50, 24),
            _num(1, 10, 2.5, decimals=1),
            sampler=_options(FORGE_SAMPLERS_DISPLAY, "Euler"),
            scheduler=_options(FORGE_SCHEDULERS_DISPLAY, "Simple"),
            bench=1.0,
            nickname="Flux Kontext",
        ),
        "chroma-flash": _forge_tier(
            _num(1, 30, 10),
            _num(0, 5, 1, decimals=1),
            sampler=_options(FORGE_SAMPLERS_DISPLAY, "Euler"),
            scheduler=_options(FORGE_SCHEDULERS_DISPLAY, "Beta"),
            bench=0.6,
            nickname="Chroma Flash",
        ),
        "sd15": _forge_tier(
            _num(1, 100, 20),
            _num(1, 30, 7.5, decimals=1),
            sampler=_options(FORGE_SAMPLERS_DISPLAY, "DPM++ 2M"),
            scheduler=_options(FORGE_SCHEDULERS_DISPLAY, "Karras"),
            bench=0.15,
            nickname="Stable Diffusion 1.5",
        ),
        "sdxl": _forge_tier(
            _num(1, 100, 25),
            _num(1, 30, 6, decimals=1),
            sampler=_options(FORGE_SAMPLERS_DISPLAY, "Euler a"),
            scheduler=_options(FORGE_SCHEDULERS_DISPLAY, "Karras"),
            bench=0.3,
            nickname="Stable Diffusion XL",
        ),
        "gpt-image": _forge_tier(
            _num(1, 1, 1),
            _num(0, 0, 0),
            sampler=_options([], ""),
            scheduler=_options([], ""),
            bench=20.0,
            nickname="GPT Image (external API)",
            fee=0.04,
        ),
        # Comfy image tiers.
        "z-image-turbo": _comfy_image_tier(
            _num(1, 20, 8), _num(0, 5, 1, decimals=1), bench=0.4, sampler="res_multistep"
        ),
        "z-image": _comfy_image_tier(
            _num(1, 50, 20), _num(1, 10, 4, decimals=1), bench=0.9, sampler="res_multistep"
        ),
        "qwen-image": _comfy_image_tier(_num(1, 50, 20), _num(1, 10, 2.5, decimals=1), bench=1.2),
        "qwen-image-lightning": _comfy_image_tier(
            _num(1, 10, 4), _num(0, 2, 1, decimals=1), bench=0.4
        ),
        "qwen-image-edit": _comfy_image_tier(
            _num(1, 50, 20), _num(1, 10, 2.5, decimals=1), bench=1.4
        ),
        "qwen-image-edit-lightning": _comfy_image_tier(
            _num(1, 10, 4), _num(0, 2, 1, decimals=1), bench=0.5
        ),
        "flux2-dev": _comfy_image_tier(_num(1, 50, 20), _num(1, 10, 4, decimals=1), bench=1.5),
        # Video tiers.
        "wan22-lightx2v": _video_tier(
            steps=_num(2, 10, 4),
            guidance=_num(1, 2, 1, decimals=1),
            fps=[16, 32],
            default_fps=16,
            frames=_num(17, 161, 81),
            bench=6.0,
            shift=_num(1, 8, 5, decimals=1),
            size=wan_size,
        ),
        "wan22": _video_tier(
            steps=_num(10, 40, 20),
            guidance=_num(1, 10, 3.5, decimals=1),
            fps=[16, 32],
            default_fps=16,
            frames=_num(17, 161, 81),
            bench=30.0,
            shift=_num(1, 8, 8, decimals=1),
            size=wan_size,
        ),
        "wan22-s2v": _video_tier(
            steps=_num(2, 40, 4),
            guidance=_num(1, 10, 1, decimals=1),
            fps=[16],
            default_fps=16,
            frames=_num(17, 161, 81),
            bench=8.0,
            audio=True,
            size={"width": _num(480, 1280, 832), "height": _num(480, 1280, 480)},
        ),
        "wan22-animate": _video_tier(
            steps=_num(2, 10, 4),
            guidance=_num(1, 2, 1, decimals=1),
            fps=[16, 32],
            default_fps=16,
            frames=_num(17, 321, 81),
            bench=8.0,
            video_input=True,
            size={"width": _num(480, 1280, 832), "height": _num(480, 1280, 480)},
        ),
        "ltx23-distilled": _video_tier(
            steps=_num(4, 12, 8),
            guidance=_num(1, 2, 1, decimals=1),
            fps=[24, 25, 30],
            default_fps=24,
            frames=_num(9, 481, 121),
            bench=4.0,
            size=ltx_size,
        ),
        "ltx23-dev": _video_tier(
            steps=_num(10, 50, 30),
            guidance=_num(1, 10, 4, decimals=1),
            fps=[24, 25, 30],
            default_fps=24,
            frames=_num(9, 481, 121),
            bench=15.0,
            size=ltx_size,
        ),
        "ltx23-distilled-audio": _video_tier(
            steps=_num(4, 12, 8),
            guidance=_num(1, 2, 1, decimals=1),
            fps=[24, 25, 30],
            default_fps=24,
            frames=_num(9, 481, 121),
            bench=4.5,
            audio=True,
            size=ltx_size,
        ),
        "ltx23-dev-audio": _video_tier(
            steps=_num(10, 50, 30),
            guidance=_num(1, 10, 4, decimals=1),
            fps=[24, 25, 30],
            default_fps=24,
            frames=_num(9, 481, 121),
            bench=16.0,
            audio=True,
            size=ltx_size,
        ),
        "ltx23-distilled-v2v": _video_tier(
            steps=_num(4, 12, 8),
            guidance=_num(1, 2, 1, decimals=1),
            fps=[24, 25, 30],
            default_fps=24,
            frames=_num(9, 481, 121),
            bench=5.0,
            video_input=True,
            size=ltx_size,
        ),
        "ltx23-dev-v2v": _video_tier(
            steps=_num(10, 50, 30),
            guidance=_num(1, 10, 4, decimals=1),
            fps=[24, 25, 30],
            default_fps=24,
            frames=_num(9, 481, 121),
            bench=18.0,
            video_input=True,
            size=ltx_size,
        ),
        "seedance": _video_tier(
            steps=None,
            guidance=None,
            fps=[24],
            default_fps=24,
            frames=_num(97, 361, 121),
            bench=60.0,
            comfy=False,
            size=sd_size,
        ),
        "seedance-fast": _video_tier(
            steps=None,
            guidance=None,
            fps=[24],
            default_fps=24,
            frames=_num(97, 361, 121),
            bench=30.0,
            comfy=False,
            size={"width": _num(480, 1280, 1280), "height": _num(480, 1280, 720)},
        ),
        "seedance-mini": _video_tier(
            steps=None,
            guidance=None,
            fps=[24],
            default_fps=24,
            frames=_num(97, 361, 121),
            bench=25.0,
            comfy=False,
            size={"width": _num(480, 1280, 1280), "height": _num(480, 1280, 720)},
        ),
        "seedance-25": _video_tier(
            steps=None,
            guidance=None,
            fps=[24],
            default_fps=24,
            frames=_num(97, 721, 121),
            bench=70.0,
            comfy=False,
            size=sd_size,
        ),
        "happyhorse": _video_tier(
            steps=None,
            guidance=None,
            fps=[24],
            default_fps=24,
            frames=_num(73, 361, 121),
            bench=40.0,
            comfy=False,
            size={"width": _num(480, 1920, 1280), "height": _num(480, 1920, 720)},
        ),
        "wan3": _video_tier(
            steps=None,
            guidance=None,
            fps=[30],
            default_fps=30,
            frames=_num(61, 901, 151),
            bench=50.0,
            comfy=False,
            size={"width": _num(480, 1920, 1280), "height": _num(480, 1920, 720)},
        ),
        "ltx25-distilled": _video_tier(
            steps=_num(4, 12, 8),
            guidance=_num(1, 2, 1, decimals=1),
            fps=[24, 25, 30],
            default_fps=24,
            frames=_num(9, 481, 121),
            bench=3.5,
            size=ltx_size,
        ),
        "ltx25-distilled-audio": _video_tier(
            steps=_num(4, 12, 8),
            guidance=_num(1, 2, 1, decimals=1),
            fps=[24, 25, 30],
            default_fps=24,
            frames=_num(9, 481, 121),
            bench=4.0,
            audio=True,
            size=ltx_size,
        ),
        "minimax-h3": _video_tier(
            steps=_num(20, 20, 20),
            guidance=_num(1, 1, 1),
            fps=[24],
            default_fps=24,
            frames=_num(124, 362, 124),
            bench=20.0,
            size={"width": _num(32, 1344, 1344, step=32), "height": _num(32, 1344, 768, step=32)},
        ),
        "minimax-h3-turbo": _video_tier(
            steps=_num(4, 4, 4),
            guidance=_num(1, 1, 1),
            fps=[24],
            default_fps=24,
            frames=_num(124, 362, 124),
            bench=6.0,
            size={"width": _num(32, 1344, 1344, step=32), "height": _num(32, 1344, 768, step=32)},
        ),
        "flashvsr": _video_tier(
            steps=_num(1, 1, 1),
            guidance=None,
            fps=[24, 25, 30, 60],
            default_fps=24,
            frames=_num(1, 14400, 121),
            bench=10.0,
            video_input=True,
            size={"width": _num(480, 2560, 1920), "height": _num(480, 2560, 1080)},
        ),
        "novel-video": _video_tier(
            steps=_num(1, 30, 8),
            guidance=_num(1, 5, 1, decimals=1),
            fps=[24, 30],
            default_fps=24,
            frames=_num(25, 241, 121),
            bench=5.0,
            size=ltx_size,
        ),
        # Newer image tiers.
        "gpt-image-25": _forge_tier(
            _num(1, 1, 1),
            _num(0, 0, 0),
            sampler=_options([], ""),
            scheduler=_options([], ""),
            bench=18.0,
            nickname="GPT Image 2.5 (external API)",
            fee=0.05,
        ),
        "seedream": _forge_tier(
            _num(1, 1, 1),
            _num(0, 0, 0),
            sampler=_options([], ""),
            scheduler=_options([], ""),
            bench=15.0,
            nickname="Seedream (external API)",
            fee=0.03,
        ),
        "krea2-turbo": _comfy_image_tier(_num(1, 12, 8), _num(0, 3, 1, decimals=1), bench=0.5),
        "krea2-identity-edit": _comfy_image_tier(
            _num(1, 30, 20), _num(1, 6, 2.5, decimals=1), bench=1.1
        ),
        "moss-image": _comfy_image_tier(_num(1, 50, 28), _num(1, 10, 4, decimals=1), bench=1.0),
        "utility-image": _comfy_image_tier(_num(1, 1, 1), _num(0, 0, 0), bench=0.8),
        "pixal3d": _comfy_image_tier(_num(1, 1, 1), _num(0, 0, 0), bench=25.0),
        "novel-image": _comfy_image_tier(_num(1, 30, 12), _num(0, 8, 3, decimals=1), bench=0.6),
        # Audio tiers.
        "ace-step-turbo": _audio_tier(_num(1, 20, 8), bench=2.0),
        "ace-step-sft": _audio_tier(
            _num(10, 100, 50), bench=8.0, guidance=_num(1, 15, 7, decimals=1)
        ),
        "minimax-music3": _audio_tier(_num(1, 1, 1), bench=12.0),
        # Speech: no sampler, tempo or key; voices, a direction, a voice sample.
        "qwen3-tts-custom-voice": {
            "benchmark": _benchmark(1.5),
            "duration": _num(1, 120, 10),
            "steps": _num(1, 1, 1),
            "speaker": _options(
                [
                    "serena",
                    "vivian",
                    "uncle_fu",
                    "ryan",
                    "aiden",
                    "ono_anna",
                    "sohee",
                    "eric",
                    "dylan",
                ],
                "serena",
            ),
            "instruct": {"maxLength": 500},
            "type": "audio",
        },
        "qwen3-tts-voice-clone": {
            "benchmark": _benchmark(1.5),
            "duration": _num(1, 120, 10),
            "steps": _num(1, 1, 1),
            "referenceText": {"maxLength": 1000},
            "acceptInputAudio": True,
            "requiresReferenceAudio": True,
            "type": "audio",
        },
        "novel-audio": _audio_tier(_num(1, 30, 10), bench=3.0),
    }


def _models() -> list[Model]:
    specs: list[tuple[str, str, str, str, dict[str, Any]]] = [
        ("flux1-schnell-fp8", "Flux.1 [schnell]", "flux-schnell", "image", {}),
        ("flux1-krea-dev_fp8_scaled", "Flux.1 Krea [dev]", "flux-dev", "image", {}),
        (
            "flux1-dev-kontext_fp8_scaled",
            "Flux.1 Kontext [dev]",
            "flux-kontext",
            "image",
            {"max_context_images": 2},
        ),
        ("flux2_dev_fp8", "Flux.2 [dev]", "flux2-dev", "image", {"max_context_images": 6}),
        ("chroma-v.46-flash_fp8", "Chroma v46 Flash", "chroma-flash", "image", {}),
        ("chroma-v48-detail-svd_fp8", "Chroma v48 Detail", "chroma-flash", "image", {}),
        ("z_image_turbo_bf16", "Z-Image Turbo", "z-image-turbo", "image", {"workers": 8}),
        ("z_image_bf16", "Z-Image", "z-image", "image", {}),
        ("qwen_image_2512_fp8", "Qwen Image 2512", "qwen-image", "image", {}),
        (
            "qwen_image_2512_fp8_lightning",
            "Qwen Image 2512 Lightning",
            "qwen-image-lightning",
            "image",
            {},
        ),
        (
            "qwen_image_edit_2511_fp8",
            "Qwen Image Edit 2511",
            "qwen-image-edit",
            "image",
            {"max_context_images": 3},
        ),
        (
            "qwen_image_edit_2511_fp8_lightning",
            "Qwen Image Edit 2511 Lightning",
            "qwen-image-edit-lightning",
            "image",
            {"max_context_images": 3},
        ),
        (
            "gpt-image-2",
            "GPT Image 2",
            "gpt-image",
            "image",
            {"external": True, "max_context_images": 16, "workers": 1},
        ),
        # Most workers, as Stable Diffusion models have on the real network: the
        # README's "most popular model" example (steps 20, guidance 7.5) lands here.
        ("coreml-cyberrealistic_v70_768", "CyberRealistic v7.0", "sd15", "image", {"workers": 12}),
        ("coreml-cyberrealisticXL_v60", "CyberRealistic XL v6.0", "sdxl", "image", {}),
        ("coreml-DreamShaper-XL1-Alpha2", "DreamShaper XL", "sdxl", "image", {}),
        (
            "wan_v2.2-14b-fp8_t2v_lightx2v",
            "Wan 2.2 14B Text-to-Video (Speed)",
            "wan22-lightx2v",
            "video",
            {},
        ),
        ("wan_v2.2-14b-fp8_t2v", "Wan 2.2 14B Text-to-Video (Quality)", "wan22", "video", {}),
        (
            "wan_v2.2-14b-fp8_i2v_lightx2v",
            "Wan 2.2 14B Image-to-Video (Speed)",
            "wan22-lightx2v",
            "video",
            {},
        ),
        ("wan_v2.2-14b-fp8_i2v", "Wan 2.2 14B Image-to-Video (Quality)", "wan22", "video", {}),
        (
            "wan_v2.2-14b-fp8_s2v_lightx2v",
            "Wan 2.2 14B Sound-to-Video (Speed)",
            "wan22-s2v",
            "video",
            {},
        ),
        ("wan_v2.2-14b-fp8_s2v", "Wan 2.2 14B Sound-to-Video (Quality)", "wan22-s2v", "video", {}),
        (
            "wan_v2.2-14b-fp8_animate-move_lightx2v",
            "Wan 2.2 14B Animate Move",
            "wan22-animate",
            "video",
            {},
        ),
        (
            "wan_v2.2-14b-fp8_animate-replace_lightx2v",
            "Wan 2.2 14B Animate Replace",
            "wan22-animate",
            "video",
            {},
        ),
        (
            "ltx23-22b-fp8_t2v_distilled",
            "LTX-2.3 22B Text-to-Video (Distilled)",
            "ltx23-distilled",
            "video",
            {},
        ),
        ("ltx23-22b-fp8_t2v_dev", "LTX-2.3 22B Text-to-Video (Dev)", "ltx23-dev", "video", {}),
        (
            "ltx23-22b-fp8_i2v_distilled",
            "LTX-2.3 22B Image-to-Video (Distilled)",
            "ltx23-distilled",
            "video",
            {},
        ),
        ("ltx23-22b-fp8_i2v_dev", "LTX-2.3 22B Image-to-Video (Dev)", "ltx23-dev", "video", {}),
        (
            "ltx23-22b-fp8_v2v_distilled",
            "LTX-2.3 22B Video-to-Video (Distilled)",
            "ltx23-distilled-v2v",
            "video",
            {},
        ),
        ("ltx23-22b-fp8_v2v_dev", "LTX-2.3 22B Video-to-Video (Dev)", "ltx23-dev-v2v", "video", {}),
        (
            "ltx23-22b-fp8_ia2v_distilled",
            "LTX-2.3 22B Image+Audio-to-Video (Distilled)",
            "ltx23-distilled-audio",
            "video",
            {},
        ),
        (
            "ltx23-22b-fp8_ia2v_dev",
            "LTX-2.3 22B Image+Audio-to-Video (Dev)",
            "ltx23-dev-audio",
            "video",
            {},
        ),
        (
            "ltx23-22b-fp8_a2v_distilled",
            "LTX-2.3 22B Audio-to-Video (Distilled)",
            "ltx23-distilled-audio",
            "video",
            {},
        ),
        (
            "ltx23-22b-fp8_a2v_dev",
            "LTX-2.3 22B Audio-to-Video (Dev)",
            "ltx23-dev-audio",
            "video",
            {},
        ),
        ("seedance-2-0", "Seedance 2.0", "seedance", "video", {"external": True, "workers": 1}),
        (
            "seedance-2-0-fast",
            "Seedance 2.0 Fast",
            "seedance-fast",
            "video",
            {"external": True, "workers": 1},
        ),
        (
            "seedance-2-0-mini",
            "Seedance 2.0 Mini",
            "seedance-mini",
            "video",
            {"external": True, "workers": 1},
        ),
        ("seedance-2-5", "Seedance 2.5", "seedance-25", "video", {"external": True, "workers": 1}),
        (
            "happyhorse-1.1-t2v",
            "HappyHorse 1.1 Text-to-Video",
            "happyhorse",
            "video",
            {"external": True, "workers": 1},
        ),
        (
            "happyhorse-1.1-i2v",
            "HappyHorse 1.1 Image-to-Video",
            "happyhorse",
            "video",
            {"external": True, "workers": 1},
        ),
        (
            "happyhorse-1.1-r2v",
            "HappyHorse 1.1 Reference-to-Video",
            "happyhorse",
            "video",
            {"external": True, "workers": 1},
        ),
        ("wan3.0-video", "Wan 3.0", "wan3", "video", {"external": True, "workers": 1}),
        (
            "wan3.0-spicy-video",
            "Wan 3.0 Enhanced",
            "wan3",
            "video",
            {"external": True, "workers": 1},
        ),
        (
            "ltx25-22b-int8_t2v_distilled",
            "LTX 2.5 22B Text-to-Video (Distilled)",
            "ltx25-distilled",
            "video",
            {},
        ),
        (
            "ltx25-22b-int8_i2v_distilled",
            "LTX 2.5 22B Image-to-Video (Distilled)",
            "ltx25-distilled",
            "video",
            {},
        ),
        (
            "ltx25-22b-int8_ia2v_distilled",
            "LTX 2.5 22B Image+Audio-to-Video (Distilled)",
            "ltx25-distilled-audio",
            "video",
            {},
        ),
        ("minimax-h3-fl2va-fp8_t2v", "MiniMax H3 Text-to-Video", "minimax-h3", "video", {}),
        ("minimax-h3-fl2va-fp8_i2v", "MiniMax H3 Image-to-Video", "minimax-h3", "video", {}),
        ("minimax-h3-fl2va-fp8_flf2v", "MiniMax H3 First/Last Frame", "minimax-h3", "video", {}),
        ("minimax-h3-ref2va-fp8_r2v", "MiniMax H3 Reference-to-Video", "minimax-h3", "video", {}),
        (
            "minimax-h3-fastvideo-int8_t2v_turbo",
            "MiniMax H3 FastH3 Turbo Text-to-Video",
            "minimax-h3-turbo",
            "video",
            {},
        ),
        ("flashvsr_v1.1_tiny_long_bf16", "FlashVSR 1.1 Video Upscale", "flashvsr", "video", {}),
        ("novel-video-model-x", "Novel Video X", "novel-video", "video", {}),
        (
            "gpt-image-2.5-flare",
            "GPT Image 2.5 Flare",
            "gpt-image-25",
            "image",
            {"external": True, "max_context_images": 16, "workers": 1},
        ),
        (
            "gpt-image-2.5-sunburst",
            "GPT Image 2.5 Sunburst",
            "gpt-image-25",
            "image",
            {"external": True, "max_context_images": 16, "workers": 1},
        ),
        ("krea2_turbo_fp8_scaled", "Krea 2 Turbo", "krea2-turbo", "image", {}),
        (
            "krea2_identity_edit_v1_2",
            "Krea 2 Identity Edit",
            "krea2-identity-edit",
            "image",
            {"max_context_images": 2},
        ),
        (
            "seedream-5-0-pro-uncensored",
            "Seedream 5.0 Pro",
            "seedream",
            "image",
            {"external": True, "max_context_images": 10, "workers": 1},
        ),
        ("moss_image_sft_int8_convrot", "MOSS Image", "moss-image", "image", {}),
        ("sam3_image_segment_bf16", "SAM 3 Image Segmentation", "utility-image", "image", {}),
        (
            "birefnet_image_background_removal_fp16",
            "BiRefNet Background Removal",
            "utility-image",
            "image",
            {},
        ),
        ("pixal3d_int8_i23d", "Pixal3D Image to 3D", "pixal3d", "image", {}),
        (
            "pixal3d_multiview_int8_i23d",
            "Pixal3D Multi-View Image to 3D",
            "pixal3d",
            "image",
            {"max_context_images": 3},
        ),
        ("novel-image-model-x", "Novel Image X", "novel-image", "image", {}),
        ("ace_step_1.5_turbo", "ACE-Step 1.5 Turbo", "ace-step-turbo", "audio", {}),
        ("ace_step_1.5_sft", "ACE-Step 1.5 SFT", "ace-step-sft", "audio", {}),
        (
            "minimax_music3",
            "MiniMax Music 3",
            "minimax-music3",
            "audio",
            {"external": True, "workers": 1},
        ),
        (
            "qwen3_tts_1.7b_custom_voice_bf16",
            "Qwen3-TTS CustomVoice",
            "qwen3-tts-custom-voice",
            "audio",
            {},
        ),
        (
            "qwen3_tts_1.7b_voice_clone_bf16",
            "Qwen3-TTS Voice Clone",
            "qwen3-tts-voice-clone",
            "audio",
            {},
        ),
        ("novel-audio-model-x", "Novel Audio X", "novel-audio", "audio", {}),
    ]
    return [
        Model(id=mid, name=name, sid=index + 1, tier=tier, media=media, **extra)
        for index, (mid, name, tier, media, extra) in enumerate(specs)
    ]


STANDARD_PRESETS = [
    SizePreset("square", "Square", 512, 512, "1:1"),
    SizePreset("square_hd", "Square HD", 1024, 1024, "1:1"),
    SizePreset("portrait_7_9", "Portrait: Standard", 896, 1152, "7:9"),
    SizePreset("portrait_13_19", "Portrait: 35mm", 832, 1216, "13:19"),
    SizePreset("portrait_4_7", "Portrait: Mobile", 768, 1344, "4:7"),
    SizePreset("portrait_5_12", "Portrait: Extended", 640, 1536, "5:12"),
    SizePreset("landscape_9_7", "Landscape: Standard", 1152, 896, "9:7"),
    SizePreset("landscape_19_13", "Landscape: 35mm", 1216, 832, "19:13"),
    SizePreset("landscape_7_4", "Landscape: Widescreen", 1344, 768, "7:4"),
    SizePreset("landscape_12_5", "Landscape: Ultrawide", 1536, 640, "12:5"),
]

SD15_PRESETS = [
    SizePreset("square", "Square", 512, 512, "1:1"),
    SizePreset("square_hd", "Square HD", 768, 768, "1:1"),
    SizePreset("portrait_2_3", "Portrait", 512, 768, "2:3"),
    SizePreset("landscape_3_2", "Landscape", 768, 512, "3:2"),
]

VIDEO_PRESETS = [
    SizePreset("landscape_16_9_480p", "Landscape 480p", 848, 480, "16:9"),
    SizePreset("portrait_9_16_480p", "Portrait 480p", 480, 848, "9:16"),
    SizePreset("landscape_16_9_720p", "Landscape 720p", 1280, 720, "16:9"),
    SizePreset("portrait_9_16_720p", "Portrait 720p", 720, 1280, "9:16"),
    SizePreset("square_720p", "Square 720p", 720, 720, "1:1"),
]


def _qwen_llm() -> LlmModel:
    return LlmModel(
        id="qwen3.6-35b-a3b-gguf-iq4xs",
        info={
            "workers": 2,
            "maxContextLength": 262144,
            "maxOutputTokens": {
                "min": 1,
                "max": 32768,
                "default": 4096,
                "thinkingComplexDefault": 16384,
            },
            "temperature": {"min": 0, "max": 2, "decimals": 2, "default": 0.7},
            "top_p": {"min": 0, "max": 1, "decimals": 2, "default": 0.8},
            "top_k": {"min": 1, "max": 200, "default": 20},
            "min_p": {"min": 0, "max": 1, "decimals": 2, "default": 0},
            "repetition_penalty": {"min": 1, "max": 2, "decimals": 2, "default": 1},
            "frequency_penalty": {"min": -2, "max": 2, "decimals": 2, "default": 0},
            "presence_penalty": {"min": -2, "max": 2, "decimals": 2, "default": 1.5},
            "defaultsThinking": {
                "temperature": 0.6,
                "top_p": 0.95,
                "top_k": 20,
                "min_p": 0,
                "presence_penalty": 0,
            },
            "defaultsThinkingCoding": {
                "temperature": 0.6,
                "top_p": 0.95,
                "top_k": 20,
                "min_p": 0,
                "presence_penalty": 0,
            },
            "defaultsNonThinking": {
                "temperature": 0.7,
                "top_p": 0.8,
                "top_k": 20,
                "min_p": 0,
                "presence_penalty": 1.5,
            },
            "defaultsNonThinkingReasoning": {
                "temperature": 1.0,
                "top_p": 0.95,
                "top_k": 20,
                "min_p": 0,
                "presence_penalty": 1.5,
            },
        },
    )


@attrs.define
class Catalogue:
    """The models, tiers, presets and LLMs one emulated network offers."""

    models: list[Model]
    tiers: dict[str, JsonDict]
    llm_models: list[LlmModel]

    def model(self, model_id: str) -> Model | None:
        """The model with ``model_id``, or ``None``."""
        for model in self.models:
            if model.id == model_id:
                return model
        return None

    def tier_of(self, model: Model) -> JsonDict:
        """The raw tier document of ``model``."""
        return self.tiers[model.tier]

    def llm_model(self, model_id: str) -> LlmModel | None:
        """The LLM with ``model_id``, or ``None``."""
        for llm in self.llm_models:
            if llm.id == model_id:
                return llm
        return None

    def size_presets(self, model: Model) -> list[SizePreset]:
        """Size presets offered for ``model``."""
        if model.media == "video":
            return list(VIDEO_PRESETS)
        if model.media == "audio":
            return []
        if model.tier == "sd15":
            return list(SD15_PRESETS)
        return list(STANDARD_PRESETS)

    def default_image_size(self, model: Model) -> tuple[int, int]:
        """Output size of an image job without a preset or custom size."""
        tier = self.tier_of(model)
        size = tier.get("defaultSize")
        if isinstance(size, int):
            return size, size
        if model.tier == "sd15":
            return 768, 768
        return 1024, 1024

    def swarm_models(self) -> dict[str, int]:
        """The ``swarmModels`` payload: model id -> worker count."""
        return {m.id: m.workers for m in self.models}

    def swarm_llm_models(self) -> dict[str, JsonDict]:
        """The ``swarmLLMModels`` payload: LLM id -> model info."""
        return {llm.id: dict(llm.info) for llm in self.llm_models}

    def worker_counts_by_sid(self) -> dict[str, int]:
        """The ``/api/v1/status/network/{network}/models`` payload."""
        return {str(m.sid): m.workers for m in self.models}


def default_catalogue() -> Catalogue:
    """A fresh catalogue holding every model id the network documents."""
    return Catalogue(models=_models(), tiers=_tiers(), llm_models=[_qwen_llm()])
