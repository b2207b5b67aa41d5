#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Translations: Spanish titles, headers, notes and messages under es_ES;
the tokens scripts read (states, protocols, service names, verdicts) the
same as under C; --json and --ndjson byte-identical under C, es_ES.UTF-8
and de_DE.UTF-8 (lsock puts LC_NUMERIC back to C); and a .po file that
fails `msgfmt --check` fails the build.

The locales are compiled with localedef into a temporary directory and
found through LOCPATH, so nothing is installed system-wide; the
catalogues are the build tree's (<build>/locale, through LSOCK_LOCALEDIR).
Needs localedef and the locale sources (Debian: locales), and a build with
ENABLE_NLS (the default when msgfmt is found)."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lsocktest as lt  # noqa: E402


def build_locales(tmp):
    if shutil.which("localedef") is None:
        raise lt.TestFailure("localedef is not installed (apt-get install locales)")
    for name, src in (("es_ES.UTF-8", "es_ES"), ("de_DE.UTF-8", "de_DE")):
        r = subprocess.run(["localedef", "-i", src, "-f", "UTF-8", os.path.join(tmp, name)],
                           capture_output=True, text=True)
        if not os.path.isdir(os.path.join(tmp, name)):
            raise lt.TestFailure(f"localedef {name}: {r.stderr.strip()}")


def catalogues():
    d = os.path.join(os.path.dirname(lt.lsock_path()), "locale")
    if not os.path.exists(os.path.join(d, "es", "LC_MESSAGES", "lsock.mo")):
        lt.skip(f"no {d}/es/LC_MESSAGES/lsock.mo: lsock built without ENABLE_NLS")
    return d


def steady(out):
    """The JSON with the clocks stopped: a timer's expires_ms and tcp_info's
    *_ms / *_us ages move between two runs, whatever the locale.  Only the
    integer part is masked, so a decimal comma would still show."""
    return re.sub(rb'("[a-z0-9_]+_(?:ms|us)":)-?[0-9]+', rb"\g<1>0", out)


def first_difference(outs):
    c = outs["C"]
    for lang, o in outs.items():
        if o != c:
            i = next((k for k in range(min(len(o), len(c))) if o[k] != c[k]), min(len(o), len(c)))
            return f"{lang} at byte {i}: {o[max(0, i - 60):i + 60]!r} vs C {c[max(0, i - 60):i + 60]!r}"
    return "none"


def main():
    tmp = tempfile.mkdtemp(prefix="lsock-locale.")
    build_locales(tmp)
    mo_dir = catalogues()

    def env(lang):
        e = {k: v for k, v in os.environ.items() if not k.startswith("LC_") and k != "LANGUAGE"}
        e.update(LANG=lang, LOCPATH=tmp, LSOCK_LOCALEDIR=mo_dir)
        return e

    def run(args, lang):
        return lt.run_lsock(args, env=env(lang))

    with lt.SocketMix() as mix:
        srv = mix.tcp_listen("0.0.0.0", 22)
        mix.tcp_listen("::", 8443, v6only=True)
        mix.tcp_connect(srv, "127.0.0.1")
        mix.tcp_time_wait(srv)
        mix.udp_bind("127.0.0.1", 53)
        mix.unix_listen(mix.unix_path("sock"))

        def spanish_text():
            r = run(["-tln"], "es_ES.UTF-8")
            lines = r.stdout.splitlines()
            lt.expect(lines[0] == "Conexiones activas de Internet (solo servidores)", lines[0])
            lt.expect("Dirección local" in lines[1] and "Estado" in lines[1], lines[1])
            r = run(["-tan"], "es_ES.UTF-8")
            lt.expect(r.stdout.startswith("Conexiones activas de Internet (servidores y establecidos)"),
                      r.stdout[:80])
            r = run(["-x"], "es_ES.UTF-8")
            lt.expect(r.stdout.startswith("Sockets activos de dominio UNIX (sin servidores)"),
                      r.stdout[:80])
            r = run(["-tlnp", "--explain"], "es_ES.UTF-8")
            lt.expect("\nNotas:\n" in r.stdout and "Notas" in r.stdout.splitlines()[1], r.stdout)
            lt.expect("LISTEN (escuchando)" in r.stdout, "a gloss after the state token")
            lt.expect("cola de aceptación" in r.stdout, "the LISTEN note in Spanish")
            r = run(["--audit", "-n"], "es_ES.UTF-8")
            lt.expect(r.stdout.startswith("Sockets a la escucha, los más expuestos primero\n"
                                          "Exposición"), r.stdout[:120])
            lt.expect(re.search(r"^all-interfaces ", r.stdout, re.M), "verdicts stay English")
            r = run(["--help"], "es_ES.UTF-8")
            lt.expect(r.stdout.startswith("Uso: lsock [OPCIONES] [FILTRO]"), r.stdout[:60])
            lt.expect("  -t, --tcp          sockets TCP" in r.stdout, "protocol help translated")
            # The --help sections added after the first translation.
            for line in ("  -G, --all-netns    todos los espacios de nombres de red",
                         "  -c, --watch [SEGUNDOS]\n",
                         "  -o, --timers       mostrar los temporizadores TCP",
                         "      --owners=auto|bpf|proc\n                     dónde busca -p",
                         "Columnas (para -k/--columns;"):
                lt.expect(line in r.stdout, f"--help under es_ES lacks {line!r}")
            # Filter errors: the reason is translated, the user's token kept.
            for args, es, c in (
                    (["-t", "sport", "=", ":nosuchsvc"],
                     "lsock: filtro incorrecto en ':nosuchsvc': puerto o nombre de servicio desconocido\n",
                     "lsock: bad filter at ':nosuchsvc': unknown port or service name\n"),
                    (["-t", "(", "sport", "=", ":22"],
                     "lsock: filtro incorrecto en '(': '(' sin cerrar: falta ')'\n",
                     "lsock: bad filter at '(': unbalanced '(': missing ')'\n"),
                    (["-c", "0.01"],
                     "lsock: el intervalo de --watch '0.01' está fuera de rango (de 0.1 a 86400 segundos)\n",
                     "lsock: --watch interval '0.01' is out of range (0.1 to 86400 seconds)\n"),
                    (["-G", "-N", "x"],
                     "lsock: --all-netns y --netns no pueden usarse juntas\n",
                     "lsock: --all-netns and --netns cannot be used together\n")):
                for lang, want in (("es_ES.UTF-8", es), ("C", c)):
                    r = run(args, lang)
                    lt.expect(r.status == 2 and r.out == b"" and r.stderr == want,
                              f"{args} under {lang}: {r.describe()}")
            r = run(["--color=maybe"], "es_ES.UTF-8")
            lt.expect(r.status == 2 and r.out == b"" and
                      r.stderr == "lsock: --color 'maybe' no válido (se espera auto, always o never)\n",
                      r.describe())

        def tokens_as_in_c():
            # Without titles and headers (-H) nothing is left to translate:
            # the rows are byte for byte those of the C locale.
            for args in (["-tuanp"], ["-xa"], ["--audit"]):
                c = run(args + ["-H"], "C")
                lt.expect(c.status == 0 and c.out, c.describe())
                for lang in ("es_ES.UTF-8", "de_DE.UTF-8"):
                    other = run(args + ["-H"], lang)
                    lt.expect(other.out == c.out, f"{args} -H under {lang}:\n{other.stdout}\n"
                                                  f"---\n{c.stdout}")
                # With headers, the data rows hold the same tokens.
                c_rows = [ln.split() for ln in run(args, "C").stdout.splitlines()[2:]]
                es = run(args, "es_ES.UTF-8").stdout.splitlines()
                lt.expect([ln.split() for ln in es[2:]] == c_rows, f"{args}: rows under es_ES")
            r = run(["-tln"], "de_DE.UTF-8")
            lt.expect(re.search(r"\bLISTEN\b", r.stdout), "grep LISTEN works under de_DE")
            r = run(["-tulpn", "--explain"], "es_ES.UTF-8")
            lt.expect(re.search(r"^tcp .*\bLISTEN \(escuchando\)", r.stdout, re.M) and
                      re.search(r"^udp .*\bUNCONN\b", r.stdout, re.M), r.stdout)

        def json_identical():
            for args in (["-tuxanp", "--json"], ["-tuxanp", "--ndjson", "--explain"],
                         ["--audit", "--json"], ["-tuan", "--json", "-o", "-e"],
                         ["-tuxan", "--ndjson", "-e", "-i", "-m"]):
                # A locale's difference shows in every round; a socket that
                # leaves in between (the TIME_WAIT one, on a loaded machine)
                # only in one, so up to three rounds, and one must agree.
                for _ in range(3):
                    outs = {lang: steady(run(args + ["--sort", "inode"], lang).out)
                            for lang in ("C", "es_ES.UTF-8", "de_DE.UTF-8")}
                    if len(set(outs.values())) == 1:
                        break
                lt.expect(len(set(outs.values())) == 1,
                          f"{args}: JSON differs by locale: {first_difference(outs)}")
            r = run(["-s", "--json"], "de_DE.UTF-8")
            json.loads(r.out)
            lt.expect(not re.search(rb"\d,\d{3}\b", r.out), "no decimal comma in JSON")

        def bad_po_fails_build():
            src = lt.source_dir()
            work = os.path.join(tmp, "tree")
            for d in ("src", "include", "man", "po", "completions", "tools", "cmake"):
                shutil.copytree(os.path.join(src, d), os.path.join(work, d))
            shutil.copy(os.path.join(src, "CMakeLists.txt"), work)
            b = os.path.join(work, "b")
            r = subprocess.run(["cmake", "-S", work, "-B", b, "-DBUILD_TESTING=OFF"],
                               capture_output=True, text=True)
            lt.expect(r.returncode == 0, f"configure: {r.stderr[-500:]}")
            build = ["cmake", "--build", b, "--target", "translations"]
            r = subprocess.run(build, capture_output=True, text=True)
            lt.expect(r.returncode == 0, f"the good es.po builds: {r.stdout[-500:]}")
            po = os.path.join(work, "po", "es.po")
            text = open(po, encoding="utf-8").read()
            bad = text.replace('msgstr "lsock: error de escritura: %s\\n"',
                               'msgstr "lsock: error de escritura: %d\\n"')
            lt.expect(bad != text, "the entry to break is in es.po")
            open(po, "w", encoding="utf-8").write(bad)
            r = subprocess.run(build, capture_output=True, text=True)
            lt.expect(r.returncode != 0 and "msgfmt" in (r.stdout + r.stderr),
                      f"a .po that fails msgfmt --check fails the build: {r.stdout[-500:]}")

        def pot_current():
            # Every table string the formatters translate has a msgid.
            r = subprocess.run([sys.executable, os.path.join(lt.source_dir(), "tools",
                                                             "gen_table_msgids.py"), "--check"],
                               capture_output=True, text=True)
            lt.expect(r.returncode == 0, r.stderr)

        lt.main([("Spanish text", spanish_text), ("tokens as in C", tokens_as_in_c),
                 ("JSON identical", json_identical), ("bad .po fails the build", bad_po_fails_build),
                 ("table msgids current", pot_current)])
    shutil.rmtree(tmp, ignore_errors=True)


lt.run_test(main)
