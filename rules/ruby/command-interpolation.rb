def thumbnail(path)
  # ruleid: ruby.command-interpolation
  system("convert #{path} -resize 200x200 thumb.png")
end

def branch_log(branch)
  # ruleid: ruby.command-interpolation
  `git log --oneline #{branch}`
end

def thumbnail_ok(path)
  # ok: ruby.command-interpolation
  system("convert", path, "-resize", "200x200", "thumb.png")
end

def uptime
  # ok: ruby.command-interpolation
  `uptime`
end

def libs(path)
  # ok: ruby.command-interpolation
  `/usr/bin/ldd #{path.shellescape}`.chomp
end
