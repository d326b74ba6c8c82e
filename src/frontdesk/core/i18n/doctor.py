"""`frontdesk doctor`'s texts: check titles, details, fixes and the report. pt-BR first, English
second.

Read through `frontdesk.core.i18n.t` (keys `doctor.…`); see that module for how catalogs are chosen.
"""

from __future__ import annotations

from typing import Final

# key -> (pt-BR, en)
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # --- a TISS profile (doctor/tiss_checks.py) ---------------------------------------
    "doctor.tiss.version": (
        "as mensagens saem em TISS {version} ({standing}); se a operadora fala outra, "
        "mude com `frontdesk profiles set NOME tiss_version VERSÃO`.",
        "messages go out in TISS {version} ({standing}); if the operator speaks another, "
        "change it with `frontdesk profiles set NAME tiss_version VERSION`.",
    ),
    "doctor.tiss.version_in_force": ("a versão em vigor", "the version in force"),
    "doctor.tiss.version_accepted": (
        "a versão anterior, que operadoras ainda aceitam",
        "the previous version, still accepted by operators",
    ),
    "doctor.tiss.version_superseded": ("versão substituída", "a superseded version"),
    "doctor.tiss.password_env": ("em {env}; não é exibida.", "in {env}; not shown."),
    "doctor.tiss.password_missing": (
        "nenhuma senha TISS guardada para este perfil.",
        "no TISS password stored for this profile.",
    ),
    "doctor.tiss.login_fix": (
        "Guarde a senha: `frontdesk login --profile {name}` (sem chaveiro: `--key-file`).",
        "Store the password: `frontdesk login --profile {name}` (no keyring: `--key-file`).",
    ),
    "doctor.tiss.login_accepted": (
        'login "{login}" aceito pela operadora (registro ANS {registro}): respondeu em TISS '
        "{version} a uma verificação de elegibilidade de teste.",
        'login "{login}" accepted by the operator (registro ANS {registro}): it answered a '
        "test eligibility check in TISS {version}.",
    ),
    "doctor.tiss.version_fix": (
        "Mude a versão do perfil: `frontdesk profiles set {name} tiss_version {version}`, e "
        "rode o doctor de novo.",
        "Change the profile's version: `frontdesk profiles set {name} tiss_version {version}`, "
        "and run doctor again.",
    ),
    "doctor.tiss.fault_fix": (
        "Anote esta linha e a versão (frontdesk --version) para o suporte do frontdesk.",
        "Note this line and the version (frontdesk --version) for frontdesk's support.",
    ),
    "doctor.tiss.no_answer_fix": (
        "Confira o endereço do perfil (url / test_url) com a operadora e rode o doctor de novo.",
        "Check the profile's address (url / test_url) with the operator and run doctor again.",
    ),
    # --- check titles, by check id (doctor/report.py TITLE_KEYS) ----------------------
    "doctor.title.version": ("versão", "version"),
    "doctor.title.python": ("Python", "Python"),
    "doctor.title.config": ("configuração", "configuration"),
    "doctor.title.profile": ("perfil", "profile"),
    "doctor.title.keyring": ("chaveiro", "keyring"),
    "doctor.title.api_key": ("chave de API", "API key"),
    "doctor.title.tiss_version": ("versão TISS", "TISS version"),
    "doctor.title.tiss_password": ("senha TISS", "TISS password"),
    "doctor.title.tiss_login": ("login TISS", "TISS login"),
    "doctor.title.transport": ("transporte", "transport"),
    "doctor.title.ca_bundle": ("ca_bundle", "ca_bundle"),
    "doctor.title.dns": ("nome (DNS)", "name (DNS)"),
    "doctor.title.tcp": ("TCP", "TCP"),
    "doctor.title.tls": ("TLS", "TLS"),
    "doctor.title.health": ("/v1/health", "/v1/health"),
    "doctor.title.auth": ("autenticação", "authentication"),
    "doctor.title.clock": ("relógio", "clock"),
    "doctor.title.local_backend": ("backend local", "local backend"),
    "doctor.title.data": ("dados locais", "local data"),
    "doctor.title.term": ("TERM", "TERM"),
    "doctor.title.colours": ("cores", "colours"),
    "doctor.title.size": ("tamanho", "size"),
    "doctor.title.ssh": ("SSH", "SSH"),
    "doctor.title.locale": ("locale", "locale"),
    # --- the report (doctor/report.py) ------------------------------------------------
    "doctor.status.warn": ("aviso", "warn"),
    "doctor.status.fail": ("FALHA", "FAIL"),
    "doctor.status.skip": ("--", "--"),
    "doctor.report.local": ("backend local embutido", "embedded local backend"),
    "doctor.report.profile": ('perfil "{p}"', 'profile "{p}"'),
    "doctor.report.fix": ("correção: ", "fix: "),
    "doctor.report.failures": (
        "Resultado: {f} falha(s), {w} aviso(s). Corrija as FALHAS de cima para baixo.",
        "Result: {f} failure(s), {w} warning(s). Fix the FAILs from the top down.",
    ),
    "doctor.report.all_good": (
        "Resultado: tudo certo ({w} aviso(s)).",
        "Result: all good ({w} warning(s)).",
    ),
    "doctor.skipped": (
        "não verificado: um passo anterior falhou.",
        "not checked: an earlier step failed.",
    ),
    "doctor.none": ("nenhum", "none"),
    # --- setup: configuration, profile, key, keyring (doctor/setup_checks.py) ---------
    "doctor.config.where": ("linha {line} de {file}", "line {line} of {file}"),
    "doctor.config.fix": ("corrija {where} e rode de novo.", "fix {where} and run again."),
    "doctor.config.missing": (
        "{file} (não existe: sem perfis)",
        "{file} (does not exist: no profiles)",
    ),
    "doctor.config.valid": (
        "{file}: válida; perfis: {names}; padrão: {default}",
        "{file}: valid; profiles: {names}; default: {default}",
    ),
    "doctor.profile.not_found_fix": (
        "veja os perfis com `frontdesk profiles` ou crie um com `frontdesk profiles "
        "add {name} --url https://...`.",
        "list profiles with `frontdesk profiles` or add one with `frontdesk profiles "
        "add {name} --url https://...`.",
    ),
    "doctor.profile.local": (
        "nenhum perfil configurado: verificando o backend local embutido (no próprio "
        "processo, dados de demonstração).",
        "no profile configured: checking the embedded local backend (in this process, demo data).",
    ),
    "doctor.profile.from_default": ("padrão do arquivo", "the file's default"),
    "doctor.profile.url": (
        "nenhum: --url {u} (chave de {env})",
        "none: --url {u} (key from {env})",
    ),
    "doctor.key.env_unset": ("{env} não está definida.", "{env} is not set."),
    "doctor.key.env_unset_fix": (
        "com --url, defina {env}; ou crie um perfil e use frontdesk login.",
        "with --url, set {env}; or add a profile and use frontdesk login.",
    ),
    "doctor.key.login_fix": (
        "rode: frontdesk login --profile {name}",
        "run: frontdesk login --profile {name}",
    ),
    "doctor.key.nowhere": (
        "nenhuma chave: {env} não definida, {path} não existe e o chaveiro não pode "
        "ser usado (acima).",
        "no key: {env} is not set, {path} does not exist and the keyring cannot be used (above).",
    ),
    "doctor.key.store_again": (
        "guarde a chave de novo com frontdesk login.",
        "store the key again with frontdesk login.",
    ),
    "doctor.key.found": ("encontrada ({where}); não é exibida.", "found ({where}); not shown."),
    "doctor.keyring.backend": ("backend {b}", "backend {b}"),
    "doctor.keyring.not_needed": (" Não é preciso no modo local.", " Not needed in local mode."),
    # --- the way to the backend (doctor/network_checks.py) ----------------------------
    "doctor.transport.fix": (
        "troque a url{where} para https://, ou rode com --insecure.",
        "change the url{where} to https://, or run with --insecure.",
    ),
    "doctor.transport.insecure": (
        "http:// sem criptografia para outra máquina, permitido por --insecure; o app "
        "mostra isso na tela.",
        "unencrypted http:// to another machine, allowed by --insecure; the app "
        "shows it on screen.",
    ),
    "doctor.transport.insecure_fix": (
        "peça à operadora um endereço https://.",
        "ask the operator for an https:// address.",
    ),
    "doctor.transport.https": ("https (TLS verificado)", "https (TLS verified)"),
    "doctor.transport.loopback": (
        "http neste computador (loopback)",
        "http on this machine (loopback)",
    ),
    "doctor.ca.fix": (
        "corrija ca_bundle em [profiles.{name}] de {file}: "
        "frontdesk profiles set {name} --ca-bundle /caminho/ca.pem",
        "fix ca_bundle in [profiles.{name}] of {file}: "
        "frontdesk profiles set {name} --ca-bundle /path/ca.pem",
    ),
    "doctor.ca.ok": ("CA do perfil: {p}", "profile's CA: {p}"),
    "doctor.dns.ip": ("{h} é um endereço IP", "{h} is an IP address"),
    "doctor.dns.failed": ("não foi possível resolver {h}: {e}", "cannot resolve {h}: {e}"),
    "doctor.dns.fix": (
        "confira o nome na url do perfil e o DNS desta máquina (/etc/resolv.conf).",
        "check the host name in the profile's url and this machine's DNS (/etc/resolv.conf).",
    ),
    "doctor.tcp.timeout": (
        "{h}:{p} não respondeu em {seconds:g} s.",
        "{h}:{p} did not answer within {seconds:g} s.",
    ),
    "doctor.tcp.timeout_fix": (
        "um firewall, VPN ou proxy está no caminho; confira a rede com a TI.",
        "a firewall, VPN or proxy is in the way; check the network with IT.",
    ),
    "doctor.tcp.refused": (
        "nada escutando em {h}:{p} (conexão recusada).",
        "nothing listening on {h}:{p} (connection refused).",
    ),
    "doctor.tcp.failed": ("não conectou em {h}:{p}: {e}", "cannot connect to {h}:{p}: {e}"),
    "doctor.tcp.fix": (
        "confira se o backend está no ar e se a porta da url está certa.",
        "check that the backend is running and the port in the url is right.",
    ),
    "doctor.tcp.ok": ("conectado a {a}:{p} em {ms:.0f} ms", "connected to {a}:{p} in {ms:.0f} ms"),
    "doctor.tls.where": (
        "ca_bundle em [profiles.{name}] de {file}",
        "ca_bundle in [profiles.{name}] of {file}",
    ),
    "doctor.tls.fix_name": (
        "use na url o nome (ou IP) que o certificado do servidor traz.",
        "use the name (or IP) the server's certificate names in the url.",
    ),
    "doctor.tls.fix_expired": (
        "o certificado do servidor venceu: avise a operadora (e confira o relógio daqui).",
        "the server's certificate has expired: tell the operator (and check this clock).",
    ),
    "doctor.tls.fix_wrong_ca": (
        "o {where} ({ca}) não assina este certificado: peça à operadora o arquivo certo.",
        "the {where} ({ca}) does not sign this certificate: ask the operator for the right file.",
    ),
    "doctor.tls.fix_unknown_ca": (
        "o certificado não é de uma CA que esta máquina conhece: peça à operadora o "
        "certificado da CA dela e configure o {where}: frontdesk profiles set {name} "
        "--ca-bundle /caminho/ca.pem",
        "the certificate is not from a CA this machine knows: ask the operator for its "
        "CA certificate and set the {where}: frontdesk profiles set {name} --ca-bundle "
        "/path/ca.pem",
    ),
    "doctor.tls.refused": ("certificado recusado: {m}", "certificate refused: {m}"),
    "doctor.tls.handshake": ("o aperto de mão TLS falhou: {e}", "the TLS handshake failed: {e}"),
    "doctor.tls.handshake_fix": (
        "confira se o servidor fala https nessa porta.",
        "check that the server speaks https on that port.",
    ),
    "doctor.tls.profile_ca": ("CA do perfil", "profile's CA"),
    "doctor.tls.system_cas": ("CAs do sistema", "system CAs"),
    "doctor.tls.valid_until": (", certificado válido até {d}", ", certificate valid until {d}"),
    "doctor.tls.expires_soon": (
        "o certificado vence em {n} dia(s): avise a operadora.",
        "the certificate expires in {n} day(s): tell the operator.",
    ),
    "doctor.tls.loopback": (
        "não se aplica: http neste computador (loopback).",
        "not needed: http on this machine (loopback).",
    ),
    "doctor.tls.no_tls": ("sem TLS (--insecure).", "no TLS (--insecure)."),
    # --- the backend: health, authentication, clock, local (doctor/backend_checks.py) ---
    "doctor.health.unavailable_fix": (
        "o backend não respondeu: confira se ele está no ar (e os tempos "
        "connect_timeout/read_timeout do perfil).",
        "the backend did not answer: check that it is up (and the profile's "
        "connect_timeout/read_timeout).",
    ),
    "doctor.health.not_a_backend_fix": (
        "o endereço não parece ser de um backend de tokens: confira a url (termina em /v1).",
        "the address does not look like a token backend: check the url (it ends in /v1).",
    ),
    "doctor.health.mode": ("modo", "mode"),
    "doctor.health.version": ("versão", "version"),
    "doctor.health.unwell_fix": (
        "o backend diz que não está bem: avise a operadora.",
        "the backend says it is not well: tell the operator.",
    ),
    "doctor.health.slow_fix": (
        "a rede está lenta até o backend; confira a conexão.",
        "the network to the backend is slow; check the connection.",
    ),
    "doctor.auth.no_key": ("sem chave de API.", "no API key."),
    "doctor.auth.refused": (
        "o backend recusou a chave ({where}).",
        "the backend refused the key ({where}).",
    ),
    "doctor.auth.env_fix": ("corrija {env}, ou {login}", "fix {env}, or {login}"),
    "doctor.auth.error_fix": (
        "rode de novo; se persistir, avise a operadora.",
        "run again; if it persists, tell the operator.",
    ),
    "doctor.auth.ok": (
        "chave aceita; {n} guia(s) aguardando token",
        "key accepted; {n} guide(s) awaiting a token",
    ),
    "doctor.clock.no_time": (
        "o backend não informou a hora.",
        "the backend did not send its time.",
    ),
    "doctor.clock.unreadable": (
        "hora do backend ilegível: {time}",
        "unreadable backend time: {time}",
    ),
    "doctor.clock.offset": (
        "este computador está {d:+.0f} s em relação ao backend",
        "this computer is {d:+.0f} s off the backend",
    ),
    "doctor.clock.fix": (
        "acerte o relógio (timedatectl set-ntp true); as contagens usam os segundos do "
        "backend e continuam certas.",
        "set the clock right (timedatectl set-ntp true); countdowns use the backend's "
        "seconds and stay right.",
    ),
    "doctor.clock.fix_windows": (
        "acerte o relógio (como administrador: w32tm /resync); as contagens usam os "
        "segundos do backend e continuam certas.",
        "set the clock right (as administrator: w32tm /resync); countdowns use the "
        "backend's seconds and stay right.",
    ),
    "doctor.local.reinstall": (
        "reinstale o frontdesk (pip install --force-reinstall frontdesk).",
        "reinstall frontdesk (pip install --force-reinstall frontdesk).",
    ),
    "doctor.local.ok": (
        "embutido, no próprio processo: status {s}, {n} guia(s) de demonstração "
        "aguardando token, {ms:.0f} ms",
        "embedded, in this process: status {s}, {n} demo guide(s) awaiting a token, {ms:.0f} ms",
    ),
    "doctor.data.unwritable": ("sem permissão de escrita em {p}", "no write permission on {p}"),
    "doctor.data.fix": (
        "dê permissão ao usuário: chown -R $USER {p}",
        "give the user access: chown -R $USER {p}",
    ),
    "doctor.data.fix_windows": (
        'dê permissão ao usuário: icacls "{p}" /grant "%USERNAME%":(OI)(CI)F /T',
        'give the user access: icacls "{p}" /grant "%USERNAME%":(OI)(CI)F /T',
    ),
    "doctor.data.exists": ("existe", "exists"),
    "doctor.data.will_be_created": ("será criado", "will be created"),
    # --- the terminal (doctor/terminal_checks.py) -------------------------------------
    "doctor.term.not_a_terminal": (
        "TERM={term}: o app precisa de um terminal de verdade.",
        "TERM={term}: the app needs a real terminal.",
    ),
    "doctor.term.unset": ("(vazio)", "(unset)"),
    "doctor.term.windows_console": (
        "console clássico do Windows: o app funciona, mas desenha mais devagar, a fonte não "
        "tem todos os símbolos e algumas teclas não chegam.",
        "classic Windows console: the app works, but redraws slower, its font lacks some "
        "symbols and some keys do not arrive.",
    ),
    "doctor.term.windows_console_fix": (
        "use o Windows Terminal (winget install Microsoft.WindowsTerminal).",
        "use Windows Terminal (winget install Microsoft.WindowsTerminal).",
    ),
    "doctor.colours.no_color": (
        "NO_COLOR definido: sem cores (o app funciona assim)",
        "NO_COLOR set: no colours (the app works that way)",
    ),
    "doctor.colours.truecolor": ("16 milhões (COLORTERM={c})", "16 million (COLORTERM={c})"),
    "doctor.colours.sixteen": (
        "16 (o app funciona com 16 cores)",
        "16 (the app works with 16 colours)",
    ),
    "doctor.size.unknown": (
        "desconhecido (a saída não é um terminal)",
        "unknown (output is not a terminal)",
    ),
    "doctor.size.fix": (
        "aumente a janela para pelo menos 80x24.",
        "make the window at least 80x24.",
    ),
    "doctor.ssh.session": (
        "sessão SSH (de {o}); a senha copiada vai por OSC 52 para o seu terminal",
        "SSH session (from {o}); copied authorizations travel by OSC 52 to your terminal",
    ),
    "doctor.ssh.local": ("sessão local (sem SSH)", "local session (no SSH)"),
    "doctor.locale.detail": ("{n} ({e}); idioma: {l}", "{n} ({e}); language: {l}"),
    "doctor.locale.fix_alternative": ("(ou pt_BR.UTF-8)", "(or pt_BR.UTF-8)"),
    "doctor.locale.windows_fix": (
        "setx PYTHONUTF8 1 (e abra um terminal novo): o Python passa a usar UTF-8.",
        "setx PYTHONUTF8 1 (then open a new terminal): Python then uses UTF-8.",
    ),
}
