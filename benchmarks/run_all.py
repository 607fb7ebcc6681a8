"""Run every benchmarks/bench_*.py in turn (``make bench``); fails if any fails."""

import os
import subprocess
import sys
from pathlib import Path

PASTA = Path(__file__).resolve().parent


def main():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gsan.settings.test"}
    falhas = []
    for script in sorted(PASTA.glob("bench_*.py")):
        print(f"\n=== {script.name} ===", flush=True)
        if subprocess.run([sys.executable, str(script)], env=env, check=False).returncode:
            falhas.append(script.name)
    if falhas:
        print(f"\nFora do alvo ou com erro: {', '.join(falhas)}")
    return 1 if falhas else 0


if __name__ == "__main__":
    sys.exit(main())
