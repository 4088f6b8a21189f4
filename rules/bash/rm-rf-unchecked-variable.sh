#!/bin/bash
# ruleid: bash.rm-rf-unchecked-variable
rm -rf "$STEAMROOT/"*
# ruleid: bash.rm-rf-unchecked-variable
rm -rf $BUILD_DIR/cache
# ok: bash.rm-rf-unchecked-variable
rm -rf "${BUILD_DIR:?}/cache"
# ok: bash.rm-rf-unchecked-variable
rm -rf ./dist
