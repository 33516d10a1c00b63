#!/usr/bin/env bash
# The Debian packages the test suite needs (browser tests, the справка opened by LibreOffice, pages as images,
# the fonts of the DOCX): installed when missing if we are root; otherwise the one command to run, and stop.
set -euo pipefail

packages=(chromium chromium-driver libreoffice-writer-nogui poppler-utils fonts-liberation)

if command -v dpkg-query >/dev/null 2>&1; then
  installed() { [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = installed ]; }
else  # not Debian: look for what the suite runs
  installed() {
    case "$1" in
      chromium) [ -x /usr/bin/chromium ] ;;
      chromium-driver) command -v chromedriver >/dev/null 2>&1 ;;
      libreoffice-writer-nogui) command -v soffice >/dev/null 2>&1 ;;
      poppler-utils) command -v pdftoppm >/dev/null 2>&1 ;;
      fonts-liberation) fc-list 2>/dev/null | grep -qi "Liberation Serif" ;;
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
  echo "Устанавливаются системные пакеты для тестов: ${missing[*]}"
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y "${missing[@]}"
  exit 0
fi
echo "Для тестов не хватает системных пакетов. Установите их и запустите make test снова:" >&2
echo "  sudo apt-get install -y ${missing[*]}" >&2
exit 1
