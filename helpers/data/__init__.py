"""One loader per dataset the course uses.

Each looks in the mirror given by COURSE_DATA_DIR (sha256-checked), then in the local cache,
then downloads the canonical file (progress shown, sha256-checked). Only when COURSE_OFFLINE=1
is set and nothing real is available does it return a synthetic stand-in, under a loud banner.
Each load prints one line saying where the data came from; `sources()` returns them all.
"""
from helpers.data._files import DataError
from helpers.data._report import sources
from helpers.data.images import (
    CAT_CLASSES, FLOWER_CLASSES, cat_noncat_h5, flower_photos_dir, load_cat_noncat, pretrained_weights,
)
from helpers.data.tabular import (
    FASHION_MNIST_CLASSES, HIGGS_FEATURES, HOUSING_FEATURES, higgs_csv, load_california_housing,
    load_fashion_mnist, load_higgs,
)

__all__ = [
    "DataError", "sources",
    "load_fashion_mnist", "FASHION_MNIST_CLASSES",
    "load_california_housing", "HOUSING_FEATURES",
    "higgs_csv", "load_higgs", "HIGGS_FEATURES",
    "cat_noncat_h5", "load_cat_noncat", "CAT_CLASSES",
    "flower_photos_dir", "FLOWER_CLASSES",
    "pretrained_weights",
]
