"""Image datasets of topics 6–7: cat / non-cat (HDF5), flower photos (folders), pretrained weights."""
from __future__ import annotations

import pickle
import tarfile
from pathlib import Path

import numpy as np

from helpers._env import run_mode
from helpers.data import _standins
from helpers.data._files import (
    DataError, Located, NeedStandIn, RemoteFile, fetch, mirror_dir, mirror_manifest, sha256_of,
    verify_mirror_file,
)
from helpers.data._report import announce, announce_standin

CAT_CLASSES = (b"non-cat", b"cat")
# sha256 of the original deeplearning.ai files (not public; used when a user has them).
_ORIGINAL_CAT_FILES = {
    "train_catvnoncat.h5": "fbe56ab67c3ae28d564e3a644189117976d6b31af0a3ce9bb17dbf22908af242",
    "test_catvnoncat.h5": "6a9d39ce52fa85953c5834695b8534a30ed8cfd54971fb2f080b5a24d002b951",
}
CIFAR10 = RemoteFile(
    "CIFAR-10 (for the cat / non-cat set)", "cifar-10-python.tar.gz",
    "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce",  # as pinned by Keras
)
_CIFAR_CAT = 3
# Sizes and class balance of the original set: 209 training images (72 cats), 50 test (33 cats).
_CAT_SPLITS = {"train": ("data_batch_1", 72, 137), "test": ("test_batch", 33, 17)}


def _original_cat_files(folder: Path, mirror: Path | None) -> list[Located] | None:
    paths = [folder / name for name in _ORIGINAL_CAT_FILES]
    if not all(p.is_file() for p in paths):
        return None
    found = []
    for path, (name, sha) in zip(paths, _ORIGINAL_CAT_FILES.items()):
        if mirror is not None and folder == mirror / "catvnoncat":
            found.append(Located(path, "mirror", verify_mirror_file(path, f"catvnoncat/{name}", sha, mirror)))
        elif sha256_of(path) == sha:
            found.append(Located(path, "cache", True))
        else:
            raise DataError(f"{path} is not the original cat / non-cat file (sha256 differs); remove it or replace it with the original.")
    return found


def _cifar_cat_noncat(archive: Path, target_dir: Path) -> list[Path]:
    """Build the cat / non-cat HDF5 files from CIFAR-10: cats vs. the nine other classes, 64×64."""
    import h5py
    from PIL import Image

    target_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with tarfile.open(archive, "r:gz") as tar:
        for split, (member, n_cats, n_others) in _CAT_SPLITS.items():
            batch = pickle.load(tar.extractfile(f"cifar-10-batches-py/{member}"), encoding="bytes")
            images = batch[b"data"].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
            is_cat = np.asarray(batch[b"labels"]) == _CIFAR_CAT
            chosen = np.sort(np.concatenate([np.flatnonzero(is_cat)[:n_cats], np.flatnonzero(~is_cat)[:n_others]]))
            if len(chosen) != n_cats + n_others:
                raise DataError(f"{archive} has too few images to build the cat / non-cat {split} set; delete it and load again.")
            x = np.stack([np.asarray(Image.fromarray(img).resize((64, 64), Image.BICUBIC)) for img in images[chosen]])
            path = target_dir / f"cifar10_{split}_catvnoncat.h5"
            with h5py.File(path.with_suffix(".part"), "w") as f:
                f[f"{split}_set_x"] = x.astype(np.uint8)
                f[f"{split}_set_y"] = is_cat[chosen].astype(np.int64)
                f["list_classes"] = np.array(CAT_CLASSES)
                f.attrs["source"] = "CIFAR-10 (Krizhevsky 2009): cats vs. the other 9 classes, 32×32 upscaled to 64×64"
            path.with_suffix(".part").replace(path)
            written.append(path)
    return written


def cat_noncat_h5(folder: str | Path | None = None) -> tuple[Path, Path]:
    """Paths of the training and test HDF5 files of the cat / non-cat set.

    Layout of the original deeplearning.ai files: `train_set_x` (N, 64, 64, 3) uint8,
    `train_set_y` (N,) int64 with 1 = cat, `list_classes` [b'non-cat', b'cat']; `test_set_*` alike.
    The original files are used when present (in `folder`, the mirror, or the cache folder
    `catvnoncat/`); otherwise an equivalent set is built from CIFAR-10, which anyone can download.
    Introduced in topic 6.
    """
    title = "cat / non-cat images"
    mirror = mirror_dir()
    cache = run_mode().cache_dir / "catvnoncat"
    if folder is not None:
        candidates = [Path(folder)]
    else:
        candidates = ([mirror / "catvnoncat"] if mirror is not None else []) + [cache]
    for candidate in candidates:
        found = _original_cat_files(candidate, mirror)
        if found:
            announce(title, found, "original deeplearning.ai HDF5 files")
            return found[0].path, found[1].path
    if folder is not None:
        raise DataError(f"{folder} does not hold train_catvnoncat.h5 and test_catvnoncat.h5; check the folder name.")
    built = [cache / f"cifar10_{split}_catvnoncat.h5" for split in _CAT_SPLITS]
    if not all(p.is_file() for p in built):
        try:
            archive = fetch(CIFAR10)
        except NeedStandIn:
            announce_standin(title)
            return _standin_cat_files(run_mode().cache_dir / "standin")
        built = _cifar_cat_noncat(archive.path, cache)
    announce(title, [Located(built[0], "cache", True)], "a cat / non-cat set built from CIFAR-10 (the original files are not public)")
    return built[0], built[1]


def _standin_cat_files(folder: Path) -> tuple[Path, Path]:
    import h5py

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for split, (x, y) in zip(_CAT_SPLITS, _standins.cat_noncat()):
        path = folder / f"standin_{split}_catvnoncat.h5"
        with h5py.File(path, "w") as f:
            f[f"{split}_set_x"], f[f"{split}_set_y"] = x, y
            f["list_classes"] = np.array(CAT_CLASSES)
            f.attrs["source"] = "synthetic stand-in: meaningless"
        paths.append(path)
    return paths[0], paths[1]


def load_cat_noncat(folder: str | Path | None = None):
    """The cat / non-cat set as `(X_train, y_train), (X_test, y_test), class_names` (uint8 images, int64 labels)."""
    import h5py

    train_path, test_path = cat_noncat_h5(folder)
    arrays = []
    for split, path in (("train", train_path), ("test", test_path)):
        with h5py.File(path, "r") as f:
            arrays.append((f[f"{split}_set_x"][:], f[f"{split}_set_y"][:]))
            classes = tuple(c.decode() for c in f["list_classes"][:])
    return arrays[0], arrays[1], classes


FLOWER_CLASSES = ("daisy", "dandelion", "roses", "sunflowers", "tulips")
FLOWERS = RemoteFile(
    "flower photos", "flower_photos.tgz",
    "https://storage.googleapis.com/download.tensorflow.org/example_images/flower_photos.tgz",
    "4c54ace7911aaffe13a365c34f650e71dd5bf1be0a58b464e5a7183e3e595d9c",  # tensorflow_datasets' pin
)
_FLOWERS_MIRROR = "flower_photos_small"


def flower_photos_dir() -> Path:
    """A folder with one sub-folder of JPEG photos per class (`FLOWER_CLASSES`), for
    `keras.utils.image_dataset_from_directory`. Introduced in topic 7.
    """
    title = "flower photos"
    mirror = mirror_dir()
    if mirror is not None and (mirror / _FLOWERS_MIRROR).is_dir():
        folder = mirror / _FLOWERS_MIRROR
        listed = {rel: sha for rel, sha in mirror_manifest(mirror).items() if rel.startswith(_FLOWERS_MIRROR + "/")}
        photos = sorted(folder.glob("*/*.jpg"))
        for photo in photos:
            rel = photo.relative_to(mirror).as_posix()
            if rel not in listed:
                raise DataError(f"{photo} is not listed in the mirror's MANIFEST.sha256; remove it or restore the mirror.")
            verify_mirror_file(photo, rel, None, mirror)
        announce(title, [Located(folder, "mirror", False)], f"{len(photos)} photos in {len(FLOWER_CLASSES)} classes")
        return folder
    extracted = run_mode().cache_dir / "flower_photos"
    if not (extracted / ".complete").is_file():
        try:
            archive = fetch(FLOWERS)
        except NeedStandIn:
            announce_standin(title)
            return _standins.flower_folder(run_mode().cache_dir / "standin" / "flower_photos", FLOWER_CLASSES)
        with tarfile.open(archive.path, "r:gz") as tar:
            tar.extractall(extracted.parent, filter="data")
        (extracted / ".complete").touch()
    photos = list(extracted.glob("*/*.jpg"))
    announce(title, [Located(extracted, "cache", True)], f"{len(photos):,} photos in {len(FLOWER_CLASSES)} classes")
    return extracted


_WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/"
PRETRAINED_WEIGHTS = {
    "mobilenet_v2_0.35_no_top": RemoteFile(
        "MobileNetV2 (alpha 0.35) ImageNet weights",
        "keras_weights/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5",
        _WEIGHTS_URL + "mobilenet_v2/mobilenet_v2_weights_tf_dim_ordering_tf_kernels_0.35_224_no_top.h5",
        "df1c3db1d0d9193719c4c70f707c56f7021f999f825bdc57454c275cf6def19f",
    ),
    "mobilenet_0.25_no_top": RemoteFile(
        "MobileNet (alpha 0.25) ImageNet weights",
        "keras_weights/mobilenet_2_5_224_tf_no_top.h5",
        _WEIGHTS_URL + "mobilenet/mobilenet_2_5_224_tf_no_top.h5",
        "dbdb03ee2a22fd895301636cd328b234bb3a9952358f436d82f46b81e0d5b0bf",
    ),
}


def pretrained_weights(name: str = "mobilenet_v2_0.35_no_top") -> Path | None:
    """Path of an ImageNet weights file for `keras.applications` (pass it as `weights=`).

    Returns None, after a loud banner, when COURSE_OFFLINE=1 and no copy exists: the caller
    must then fall back to a model it trained itself. Introduced in topic 7.
    """
    if name not in PRETRAINED_WEIGHTS:
        raise DataError(f"No pretrained weights named {name!r}; choose one of {sorted(PRETRAINED_WEIGHTS)}.")
    spec = PRETRAINED_WEIGHTS[name]
    try:
        located = fetch(spec)
    except NeedStandIn:
        print(f"NO PRETRAINED WEIGHTS: {spec.title} are not available offline (COURSE_OFFLINE=1, no mirror). "
              "Use weights=None only for a model you train yourself; ImageNet features are not there.")
        return None
    announce(spec.title, [located], "one weights file")
    return located.path
