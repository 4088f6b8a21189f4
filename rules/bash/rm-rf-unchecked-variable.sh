#!/usr/bin/env bash
set -euo pipefail

BUILD_DIR="$(dirname "$0")/build"

clean() {
  # ruleid: bash.rm-rf-unchecked-variable
  rm -rf "$BUILD_DIR/"*
}

clean_cache() {
  # ruleid: bash.rm-rf-unchecked-variable
  rm -rf $CACHE_DIR/*
}

purge_release() {
  # ok: bash.rm-rf-unchecked-variable
  sudo rm -fr "${DEPLOY_ROOT}/releases/$1"
}

uninstall_prefix() {
  # ruleid: bash.rm-rf-unchecked-variable
  rm -rf "${DESTDIR}/usr"
  # ruleid: bash.rm-rf-unchecked-variable
  rm -rf "$STAGING/$RELEASE"
}

uninstall() {
  # ruleid: bash.rm-rf-unchecked-variable
  rm -r -f "$1"/
}

clean_ok() {
  # ok: bash.rm-rf-unchecked-variable
  rm -rf -- "${BUILD_DIR:?}/"*
}

clean_tmp_ok() {
  # ok: bash.rm-rf-unchecked-variable
  rm -rf "$tmpdir"
}

clean_home_cache() {
  # ok: bash.rm-rf-unchecked-variable
  rm -rf "$HOME/.cache/myapp"
}

dry_run() {
  # ok: bash.rm-rf-unchecked-variable
  echo rm -rf $pattern/
}
