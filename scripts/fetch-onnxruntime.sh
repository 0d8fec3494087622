#!/usr/bin/env bash
# Fetches ONNX Runtime's shared library for Peil's optional neural sentiment (feature `neural`)
# from PyPI, without installing it into any Python environment:
#
#   scripts/fetch-onnxruntime.sh [--gpu] [OUT_DIR]      # default OUT_DIR: target/onnxruntime
#   export ORT_DYLIB_PATH="$PWD/target/onnxruntime/libonnxruntime.so"
#
# It runs `pip download --no-deps` of the `onnxruntime` wheel (or, with --gpu, `onnxruntime-gpu`,
# built for CUDA 12 and cuDNN 9) and unpacks onnxruntime/capi/lib*.so* into OUT_DIR, with
# libonnxruntime.so as the name to point ORT_DYLIB_PATH at. The GPU build also needs its provider
# libraries (libonnxruntime_providers_cuda.so, libonnxruntime_providers_shared.so) beside it,
# which this unpacks too, and the CUDA and cuDNN libraries on the loader's path (README,
# "Optional neural sentiment").
#
# ONNX_RUNTIME_VERSION overrides the version (default 1.31.1, the version `ort` 2.0.0-rc.15 is
# built for; 1.17 or later works). PYTHON overrides the interpreter whose pip is used.
set -euo pipefail

package=onnxruntime
if [ "${1:-}" = --gpu ]; then
  package=onnxruntime-gpu
  shift
fi
out_dir="${1:-target/onnxruntime}"
version="${ONNX_RUNTIME_VERSION:-1.31.1}"
python="${PYTHON:-python3}"

mkdir -p "$out_dir/wheels"
"$python" -m pip download --quiet --disable-pip-version-check --no-deps \
  --dest "$out_dir/wheels" "$package==$version"
"$python" - "$out_dir" "$package" "$version" <<'PY'
import glob
import os
import shutil
import sys
import zipfile

out_dir, package, version = sys.argv[1:4]
pattern = os.path.join(out_dir, "wheels", f"{package.replace('-', '_')}-{version}-*.whl")
wheels = sorted(glob.glob(pattern))
if not wheels:
    sys.exit(f"no wheel matches {pattern}")
with zipfile.ZipFile(wheels[-1]) as archive:
    names = [
        name
        for name in archive.namelist()
        if name.startswith("onnxruntime/capi/lib") and ".so" in name
    ]
    for name in names:
        target = os.path.join(out_dir, os.path.basename(name))
        with archive.open(name) as source, open(target, "wb") as destination:
            shutil.copyfileobj(source, destination)
main = [name for name in names if os.path.basename(name).startswith("libonnxruntime.so")]
if not main:
    sys.exit(f"{wheels[-1]} holds no libonnxruntime.so")
link = os.path.join(out_dir, "libonnxruntime.so")
if os.path.basename(main[0]) != "libonnxruntime.so":
    if os.path.lexists(link):
        os.remove(link)
    os.symlink(os.path.basename(main[0]), link)
print(f"ORT_DYLIB_PATH={os.path.abspath(link)}")
PY
