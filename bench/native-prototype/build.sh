#!/bin/sh
# Builds sgemm-addon.node against Node's headers (/usr/include/node here) and an OpenBLAS folder
# holding libopenblas.so.0 (default: Debian's libopenblas0-pthread unpacked without installing, as
# in ../workloads/README.md). Usage: sh build.sh [OPENBLAS_DIR]
set -e
here=$(dirname "$0")
blas=${1:-/tmp/openblas/root/usr/lib/x86_64-linux-gnu/openblas-pthread}
include=${NODE_INCLUDE:-/usr/include/node}
g++ -O2 -shared -fPIC -std=c++17 -DNODE_GYP_MODULE_NAME=sgemm_addon -I"$include" \
  "$here/sgemm-addon.cc" -o "$here/sgemm-addon.node" "$blas/libopenblas.so.0" -Wl,-rpath,"$blas"
echo "built $here/sgemm-addon.node against $blas"
