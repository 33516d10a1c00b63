#!/usr/bin/env bash
# The Debian packages the product needs, installed when missing if we are root; otherwise the one command to run,
# and stop.
#   scripts/system-packages.sh run   — what the running site needs: LibreOffice makes the PDFs of справки and
#                                      documents, with the fonts of the DOCX (make run);
#   scripts/system-packages.sh test  — that, and what only the test suite uses: chromium for the browser tests,
#                                      poppler to look at PDF pages (make test);
#   scripts/system-packages.sh bench — the site's, and wrk, the load generator of bench/load.py (make bench).
set -euo pipefail

run_packages=(libreoffice-writer-nogui fonts-liberation)
test_packages=(chromium chromium-driver poppler-utils)
bench_packages=(wrk)

case "${1:-test}" in
  run) packages=("${run_packages[@]}"); what="для работы сайта (PDF справок и документов)"; target="make run" ;;
  test) packages=("${run_packages[@]}" "${test_packages[@]}"); what="для тестов"; target="make test" ;;
  bench) packages=("${run_packages[@]}" "${bench_packages[@]}"); what="для замеров"; target="make bench" ;;
  *) echo "Использование: $0 run|test|bench" >&2; exit 2 ;;
esac

if command -v dpkg-query >/dev/null 2>&1; then
  installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
else  # not Debian: look for what the product and the suite run
  installed() {
    case "$1" in
      chromium) [ -x /usr/bin/chromium ] ;;
      chromium-driver) command -v chromedriver >/dev/null 2>&1 ;;
      libreoffice-writer-nogui) command -v soffice >/dev/null 2>&1 ;;
      poppler-utils) command -v pdftoppm >/dev/null 2>&1 ;;
      fonts-liberation) fc-list 2>/dev/null | grep -qi "Liberation Serif" ;;
      wrk) command -v wrk >/dev/null 2>&1 ;;
    esac
  }
fi

missing=()
for package in "${packages[@]}"; do
  installed "$package" || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Устанавливаются системные пакеты ${what}: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  exit 0
fi
echo "Не хватает системных пакетов ${what}. Установите их и запустите ${target} снова:" >&2
echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
exit 1
