#!/bin/bash
reset_machine() {
  # ruleid: bash.rm-rf-root-or-home
  sudo rm -rf /*
}

wipe_profile() {
  # ruleid: bash.rm-rf-root-or-home
  rm -rf ~/
}

wipe_home() {
  # ruleid: bash.rm-rf-root-or-home
  rm -rf "$HOME"/*
}

clean_ok() {
  # ok: bash.rm-rf-root-or-home
  rm -rf ~/.cache/pip
  # ok: bash.rm-rf-root-or-home
  rm -rf /tmp/build-output
}
