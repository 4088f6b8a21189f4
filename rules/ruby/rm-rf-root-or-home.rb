require "fileutils"

# ruleid: ruby.rm-rf-root-or-home
FileUtils.rm_rf("/#{ENV['RELEASE_DIR']}")

# ruleid: ruby.rm-rf-root-or-home
FileUtils.rm_rf(Dir.home)

# ruleid: ruby.rm-rf-root-or-home
FileUtils.rm_r("/", secure: true)

# ruleid: ruby.rm-rf-root-or-home
FileUtils.rm_rf(ENV["HOME"])

# ok: ruby.rm-rf-root-or-home
FileUtils.rm_rf(Rails.root.join("tmp", "cache"))

# ok: ruby.rm-rf-root-or-home
FileUtils.rm_rf("/tmp/build-#{build_id}/artifacts")

# ok: ruby.rm-rf-root-or-home
FileUtils.rm_rf(File.join(Dir.home, ".cache", "myapp"))
