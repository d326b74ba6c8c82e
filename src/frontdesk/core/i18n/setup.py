"""The setup layer's texts: the configuration file, credentials, the connection, the audit log,
and the technician's commands (`login`, `logout`, `profiles`, `audit`). pt-BR first, English second.

Read through `frontdesk.core.i18n.t` (keys `setup.…`); see that module for how catalogs are chosen.
A little over 400 lines: one catalog is one flat table, easier to review whole than split.
"""

from __future__ import annotations

from typing import Final

# key -> (pt-BR, en)
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # --- where a configuration problem is, and missing profiles (config/setup_errors.py) ----
    "setup.config.where_line_key": (
        '{file}, linha {line}, chave "{key}"',
        '{file}, line {line}, key "{key}"',
    ),
    "setup.config.where_line": ("{file}, linha {line}", "{file}, line {line}"),
    "setup.profile.not_found": (
        'o perfil "{name}" não existe em {file} (perfis: {listed}).',
        'there is no profile "{name}" in {file} (profiles: {listed}).',
    ),
    "setup.profile.not_found_no_profiles": (
        'o perfil "{name}" não existe: {file} não tem perfis. Crie um com: '
        "frontdesk profiles add {name} --url https://...",
        'there is no profile "{name}": {file} has no profiles. Add one with: '
        "frontdesk profiles add {name} --url https://...",
    ),
    # --- the configuration file: reading, validating, editing (config/) ---------------
    "setup.config.unreadable": (
        "não foi possível ler o arquivo ({reason}).",
        "cannot read it ({reason}).",
    ),
    "setup.config.not_utf8": (
        "o arquivo não está em UTF-8 (byte inválido).",
        "the file is not UTF-8 (invalid byte).",
    ),
    "setup.config.syntax": ("erro de sintaxe TOML: {problem}.", "TOML syntax error: {problem}."),
    "setup.config.top_of_file": ("(início do arquivo)", "(top of the file)"),
    "setup.config.kind.boolean": ("verdadeiro/falso", "a boolean"),
    "setup.config.kind.integer": ("um número inteiro", "an integer"),
    "setup.config.kind.number": ("um número", "a number"),
    "setup.config.kind.string": ("um texto", "a string"),
    "setup.config.kind.table": ("uma tabela", "a table"),
    "setup.config.kind.array": ("uma lista", "an array"),
    "setup.config.kind.datetime": ("uma data/hora", "a date/time"),
    "setup.config.secret_refused": (
        "a chave de API não pode ficar neste arquivo. Apague esta linha e guarde a chave com "
        "`frontdesk login --profile {who}` (chaveiro do sistema, ou o arquivo keys/{who}.key "
        "com modo 0600 ao lado deste arquivo), ou use a variável FRONTDESK_API_KEY.",
        "an API key must not be in this file. Delete this line and store the key with "
        "`frontdesk login --profile {who}` (the system keyring, or the file keys/{who}.key with "
        "mode 0600 next to this file), or use the FRONTDESK_API_KEY variable.",
    ),
    "setup.config.unknown_key": (
        "chave desconhecida (as válidas aqui: {known}).",
        "unknown key (valid here: {known}).",
    ),
    "setup.config.wrong_type": (
        "deve ser {expected}, não {got}.",
        "must be {expected}, not {got}.",
    ),
    "setup.config.expected.quoted_string": ("um texto entre aspas", "a quoted string"),
    "setup.config.empty": ("não pode ser vazio.", "must not be empty."),
    "setup.config.bad_kind": (
        'deve ser "contract" (o contrato de token) ou "tiss" (os web services TISS da '
        'operadora), não "{got}".',
        'must be "contract" (the token contract) or "tiss" (the operator\'s TISS web '
        'services), not "{got}".',
    ),
    "setup.config.bad_language": (
        'deve ser "pt" ou "en", não "{got}".',
        'must be "pt" or "en", not "{got}".',
    ),
    "setup.config.expected.seconds": ("um número de segundos", "a number of seconds"),
    "setup.config.timeout_range": (
        "deve estar entre 0 e {max:g} segundos.",
        "must be between 0 and {max:g} seconds.",
    ),
    "setup.config.bad_url": (
        'deve ser um endereço como "https://token.operadora.example/v1".',
        'must be an address like "https://token.operator.example/v1".',
    ),
    "setup.config.url_credentials": (
        "não ponha usuário ou senha no endereço; a chave fica no chaveiro (frontdesk login).",
        "do not put a user or password in the address; the key goes in the "
        "keyring (frontdesk login).",
    ),
    "setup.config.url_query": (
        "o endereço não pode ter '?' nem '#'.",
        "the address cannot have '?' or '#'.",
    ),
    "setup.config.bad_profile_name": (
        "nome de perfil inválido: use letras, números, '-' ou '_' (até 64).",
        "invalid profile name: use letters, digits, '-' or '_' (up to 64).",
    ),
    "setup.config.expected.profile_table": (
        "uma tabela [profiles.NOME]",
        "a [profiles.NAME] table",
    ),
    "setup.config.url_missing": (
        'falta o endereço do backend: url = "https://...".',
        'the backend address is missing: url = "https://...".',
    ),
    "setup.config.unknown_default": (
        'o perfil "{name}" não existe (perfis: {known}).',
        'there is no profile "{name}" (profiles: {known}).',
    ),
    "setup.config.new_file_header": (
        "# frontdesk: perfis de conexão com as operadoras (veja docs/setup.md).\n"
        "# A chave de API NÃO fica aqui: use `frontdesk login --profile NOME`.\n\n",
        "# frontdesk: connection profiles for the operators' backends (see docs/setup.md).\n"
        "# The API key does NOT go here: use `frontdesk login --profile NAME`.\n\n",
    ),
    "setup.profiles.bad_name": (
        'nome de perfil inválido: "{name}". Use letras, números, "-" ou "_" (até 64).',
        'invalid profile name: "{name}". Use letters, digits, "-" or "_" (up to 64).',
    ),
    "setup.profiles.exists": (
        'o perfil "{name}" já existe em {file}; mude-o com `frontdesk profiles set '
        "{name} ...` ou remova-o antes.",
        'profile "{name}" already exists in {file}; change it with `frontdesk '
        "profiles set {name} ...` or remove it first.",
    ),
    # --- API keys: the keyring and the key file (config/) -----------------------------
    "setup.key.from_env": ("variável {name}", "variable {name}"),
    "setup.key.from_file": ("arquivo {path}", "file {path}"),
    "setup.key.from_keyring": ("chaveiro do sistema ({backend})", "system keyring ({backend})"),
    "setup.keyring.timeout": (
        "o chaveiro do sistema não respondeu em {seconds:g} s (comum em SSH, sem "
        "sessão gráfica ou D-Bus).",
        "the system keyring did not answer within {seconds:g} s (common over SSH, "
        "without a desktop session or D-Bus).",
    ),
    "setup.keyring.locked": (
        "o chaveiro do sistema está bloqueado; desbloqueie-o na sessão gráfica.",
        "the system keyring is locked; unlock it in the desktop session.",
    ),
    "setup.none": ("nenhum", "none"),
    "setup.keyring.failed": (
        "o chaveiro do sistema falhou ({detail}).",
        "the system keyring failed ({detail}).",
    ),
    "setup.keyring.no_backend": (
        "não há chaveiro (keyring) utilizável nesta sessão (backend: {backend}); é o normal "
        "em SSH ou numa máquina sem área de trabalho.",
        "there is no usable keyring in this session (backend: {backend}); that is normal "
        "over SSH or on a machine without a desktop.",
    ),
    "setup.key.fallback_hint": (
        "Sem chaveiro, use: `frontdesk login --profile {profile} --key-file` (guarda a chave em "
        "{path}, modo 0600), ou a variável de ambiente {env}.",
        "Without a keyring, use: `frontdesk login --profile {profile} --key-file` (stores the key "
        "in {path}, mode 0600), or the {env} environment variable.",
    ),
    "setup.key.empty": ("a chave em {where} está vazia.", "the key in {where} is empty."),
    "setup.key.invalid": (
        "a chave em {where} não é válida (só caracteres ASCII visíveis, sem espaços).",
        "the key in {where} is not valid (visible ASCII characters only, no spaces).",
    ),
    "setup.key_file.symlink": (
        "o arquivo de chave {path} é um link simbólico; foi recusado.",
        "the key file {path} is a symbolic link; it was refused.",
    ),
    "setup.key_file.symlink_fix": (
        "Ponha a chave num arquivo comum: frontdesk login --key-file",
        "Put the key in a regular file: frontdesk login --key-file",
    ),
    "setup.key_file.unreadable": (
        "não foi possível ler o arquivo de chave {path} ({reason}).",
        "cannot read the key file {path} ({reason}).",
    ),
    "setup.key_file.other_owner": (
        "o arquivo de chave {path} pertence a outro usuário; foi recusado.",
        "the key file {path} belongs to another user; it was refused.",
    ),
    "setup.key_file.chown_fix": (
        "Corrija com: sudo chown {user} {path}",
        "Fix it with: sudo chown {user} {path}",
    ),
    "setup.key_file.open_mode": (
        "o arquivo de chave {path} pode ser lido por outros usuários (modo "
        "{mode:04o}); foi recusado.",
        "the key file {path} can be read by other users (mode {mode:04o}); it was refused.",
    ),
    "setup.key_file.chmod_fix": ("Corrija com: chmod 600 {path}", "Fix it with: chmod 600 {path}"),
    "setup.key_file.windows": (
        "no Windows o frontdesk não usa arquivo de chave ({path}): quem pode lê-lo depende "
        "das permissões (ACL) do Windows, que o programa não confere.",
        "on Windows frontdesk uses no key file ({path}): who can read it depends on Windows "
        "permissions (ACLs), which the program does not check.",
    ),
    "setup.key_file.windows_fix": (
        "Guarde a chave no Gerenciador de Credenciais do Windows com `frontdesk login` (sem "
        "--key-file), ou use a variável de ambiente FRONTDESK_API_KEY; apague o arquivo.",
        "Store the key in the Windows Credential Manager with `frontdesk login` (without "
        "--key-file), or use the FRONTDESK_API_KEY environment variable; delete the file.",
    ),
    "setup.key.fallback_hint_windows": (
        "No Windows a chave fica no Gerenciador de Credenciais (`frontdesk login --profile "
        "{profile}`); sem ele, use a variável de ambiente {env}.",
        "On Windows the key goes in the Credential Manager (`frontdesk login --profile "
        "{profile}`); without it, use the {env} environment variable.",
    ),
    "setup.key.not_found": (
        'nenhuma chave de API para o perfil "{profile}": {problem} {hint}',
        'no API key for profile "{profile}": {problem} {hint}',
    ),
    "setup.key.not_stored": (
        'nenhuma chave de API guardada para o perfil "{profile}". Rode: frontdesk login '
        "--profile {profile}",
        'no API key stored for profile "{profile}". Run: frontdesk login --profile {profile}',
    ),
    "setup.key.keyring_word": ("chaveiro", "keyring"),
    "setup.keyring.not_kept": (
        "o chaveiro do sistema não guardou a chave.",
        "the system keyring did not keep the key.",
    ),
    # --- the connection: transport, CA bundle, --url (config/connection.py) -----------
    "setup.transport.bad_address": (
        'endereço inválido: "{url}"; use https://servidor/v1.',
        'invalid address: "{url}"; use https://server/v1.',
    ),
    "setup.transport.plain_http": (
        "{url} usa http:// sem criptografia para outra máquina: a chave de API e os dados dos "
        "pacientes passariam abertos pela rede. Use https:// (com ca_bundle se a operadora "
        "tiver uma CA própria) ou, sabendo do risco, passe --insecure.",
        "{url} uses unencrypted http:// to another machine: the API key and patient data "
        "would cross the network in the clear. Use https:// (with ca_bundle if the operator "
        "has its own CA) or, knowing the risk, pass --insecure.",
    ),
    "setup.ca.missing": (
        "o arquivo de CA {path} não existe.",
        "the CA file {path} does not exist.",
    ),
    "setup.ca.unusable": (
        "o arquivo de CA {path} não pôde ser usado ({reason}); deve ser um certificado PEM.",
        "the CA file {path} cannot be used ({reason}); it must be a PEM certificate.",
    ),
    "setup.url_or_profile": (
        "use --url ou --profile, não os dois.",
        "use --url or --profile, not both.",
    ),
    "setup.key.env_missing": (
        "com --url a chave vem da variável {env}, que não está definida. Defina-a, ou crie "
        "um perfil: frontdesk profiles add NOME --url {url} && frontdesk login --profile "
        "NOME",
        "with --url the key comes from the {env} variable, which is not set. Set it, or "
        "add a profile: frontdesk profiles add NAME --url {url} && frontdesk login "
        "--profile NAME",
    ),
    # --- the audit log (audit_log.py, `frontdesk audit`) ---------------------------
    "setup.audit.bad_date": (
        'data inválida: "{value}"; use AAAA-MM-DD, por exemplo 2026-11-22.',
        'invalid date: "{value}"; use YYYY-MM-DD, for example 2026-11-22.',
    ),
    "setup.audit.col.when": ("quando", "when"),
    "setup.audit.col.host": ("servidor", "host"),
    "setup.audit.col.profile": ("perfil", "profile"),
    "setup.audit.col.user": ("usuário", "user"),
    "setup.audit.col.address": ("endereço", "address"),
    "setup.audit.col.action": ("ação", "action"),
    "setup.audit.col.guide": ("guia", "guide"),
    "setup.audit.col.channel": ("canal", "channel"),
    "setup.audit.col.destination": ("destino", "destination"),
    "setup.audit.col.outcome": ("resultado", "outcome"),
    "setup.audit.empty": ("nenhum registro de auditoria.", "no audit records."),
    # --- the commands: login, logout, profiles (cli/) ---------------------------------
    "setup.no_profile": (
        "nenhum perfil escolhido e nenhum padrão em {file}. Crie um com: frontdesk "
        "profiles add NOME --url https://... (ou use --profile NOME).",
        "no profile chosen and no default in {file}. Add one with: frontdesk profiles add "
        "NAME --url https://... (or use --profile NAME).",
    ),
    "setup.login.refused": ("o backend recusou esta chave.", "the backend refused this key."),
    "setup.login.accepted": (
        "chave aceita pelo backend (versão {v}; {n} guia(s) aguardando token).",
        "key accepted by the backend (version {v}; {n} guide(s) awaiting a token).",
    ),
    "setup.login.profile": ('Perfil "{p}": {u}', 'Profile "{p}": {u}'),
    "setup.login.insecure": (
        "ATENÇÃO: http:// sem criptografia (--insecure): a chave passa aberta pela rede.",
        "WARNING: unencrypted http:// (--insecure): the key crosses the network in the clear.",
    ),
    "setup.login.prompt": (
        "Chave de API (não aparece ao digitar): ",
        "API key (not shown as you type): ",
    ),
    "setup.login.nothing_typed": ("Nenhuma chave digitada.", "No key typed."),
    "setup.key.typed": ("digitada", "typed"),
    "setup.login.refused_hint": (
        "Nada foi guardado. Confira a chave com a operadora e rode frontdesk login de novo.",
        "Nothing was stored. Check the key with the operator and run frontdesk login again.",
    ),
    "setup.login.unreachable_hint": (
        "Nada foi guardado. Rode `frontdesk doctor --profile {p}` para ver o que "
        "falha no caminho até o backend.",
        "Nothing was stored. Run `frontdesk doctor --profile {p}` to see what fails "
        "on the way to the backend.",
    ),
    "setup.login.stored_file": (
        "Chave guardada em {p} (modo 0600).",
        "Key stored in {p} (mode 0600).",
    ),
    "setup.login.keyring_unusable": (
        "Não deu para usar o chaveiro: {e}",
        "Cannot use the keyring: {e}",
    ),
    "setup.login.ask_key_file": (
        "Guardar a chave no arquivo {p} (modo 0600: só o seu usuário lê)? [s/N] ",
        "Store the key in the file {p} (mode 0600: only your user can read it)? [y/N] ",
    ),
    "setup.login.not_stored": (
        "Chave não guardada. Sem chaveiro, a alternativa é definir {env} no "
        "ambiente antes de abrir o frontdesk (ou rodar login --key-file).",
        "Key not stored. Without a keyring, the alternative is to set {env} in "
        "the environment before starting frontdesk (or run login --key-file).",
    ),
    "setup.login.old_file_removed": (
        "Arquivo de chave antigo removido: {p}",
        "Old key file removed: {p}",
    ),
    "setup.login.stored_keyring": (
        "Chave guardada no chaveiro do sistema ({b}).",
        "Key stored in the system keyring ({b}).",
    ),
    "setup.login.env_wins": (
        "Aviso: {env} está definida nesta sessão e vale no lugar da chave guardada.",
        "Note: {env} is set in this session and takes the place of the stored key.",
    ),
    "setup.login.done": (
        "Pronto. Confira com: frontdesk doctor --profile {p}",
        "Done. Check with: frontdesk doctor --profile {p}",
    ),
    "setup.logout.removed": ("Chave removida de: {w}", "Key removed from: {w}"),
    "setup.logout.keyring_unknown": (
        "Não deu para consultar o chaveiro ({e}); se a chave estiver lá, rode logout "
        "numa sessão com chaveiro.",
        "Could not ask the keyring ({e}); if the key is there, run logout in a session "
        "with a keyring.",
    ),
    "setup.logout.nothing": (
        'Nenhuma chave guardada para o perfil "{p}".',
        'No key stored for profile "{p}".',
    ),
    "setup.logout.env_still_set": (
        "A variável {env} continua definida nesta sessão: unset {env}",
        "The {env} variable is still set in this session: unset {env}",
    ),
    "setup.profiles.ca_missing": (
        "o arquivo de CA {p} não existe.",
        "the CA file {p} does not exist.",
    ),
    "setup.profiles.http_note": (
        "Aviso: {u} é http:// para outra máquina; o frontdesk só o usará com --insecure.",
        "Note: {u} is http:// to another machine; frontdesk will only use it with --insecure.",
    ),
    "setup.profiles.default_mark": (" (padrão)", " (default)"),
    "setup.profiles.added": (
        'Perfil "{n}" adicionado em {f}{d}.',
        'Profile "{n}" added to {f}{d}.',
    ),
    "setup.profiles.login_next": (
        "Agora guarde a chave: frontdesk login --profile {n}",
        "Now store its key: frontdesk login --profile {n}",
    ),
    "setup.profiles.updated": ('Perfil "{n}" atualizado em {f}.', 'Profile "{n}" updated in {f}.'),
    "setup.profiles.removed": ('Perfil "{n}" removido de {f}.', 'Profile "{n}" removed from {f}.'),
    "setup.profiles.default_set": ('Perfil padrão: "{n}" ({f}).', 'Default profile: "{n}" ({f}).'),
    "setup.profiles.none": (
        "Nenhum perfil em {f}: o app abre no backend local embutido (demonstração).\n"
        "Crie um com: frontdesk profiles add NOME --url https://...",
        "No profiles in {f}: the app opens on the embedded local backend (demo).\n"
        "Add one with: frontdesk profiles add NAME --url https://...",
    ),
    "setup.profiles.listing": ("Perfis em {f}:", "Profiles in {f}:"),
    "setup.profiles.legend": ("(* = padrão)", "(* = default)"),
    "setup.profiles.tiss_mark": (
        "[TISS {v}, registro ANS {r}]",
        "[TISS {v}, ANS registration {r}]",
    ),
    # `profiles set NAME KEY VALUE`
    "setup.profiles.pair_odd": (
        'falta o valor de "{k}": use frontdesk profiles set NOME CHAVE VALOR.',
        'the value of "{k}" is missing: use frontdesk profiles set NAME KEY VALUE.',
    ),
    "setup.profiles.pair_unknown": (
        '"{k}" não é uma configuração de perfil; as que se mudam assim: {known}.',
        '"{k}" is not a profile setting; the ones changed this way: {known}.',
    ),
    "setup.profiles.pair_twice": (
        '"{k}" foi dado duas vezes (também como {o}); dê uma só.',
        '"{k}" was given twice (also as {o}); give it once.',
    ),
    "setup.profiles.pair_number": (
        '"{k}" deve ser um número; veio "{v}".',
        '"{k}" must be a number; got "{v}".',
    ),
    # `profiles add --tiss` and `profiles set` on a TISS profile
    "setup.profiles.tiss_missing": ("um perfil TISS precisa de {o}.", "a TISS profile needs {o}."),
    "setup.profiles.no_v1": (
        "O endereço {u} não termina em /v1, como o de um backend de tokens (por exemplo {s}).",
        "The address {u} does not end in /v1, as a token backend's does (e.g. {s}).",
    ),
    "setup.profiles.use_v1": ("Usar {s}? [s/N] ", "Use {s}? [y/N] "),
    "setup.profiles.no_v1_refused": (
        "nada foi gravado: dê o endereço com /v1, --url {s}.",
        "nothing was written: give the address with /v1, --url {s}.",
    ),
    "setup.profiles.url_missing": (
        "falta o endereço: --url URL.",
        "the address is missing: --url URL.",
    ),
    "setup.profiles.url_twice": (
        "dois endereços (--tiss {a} e --url {b}): dê um só.",
        "two addresses (--tiss {a} and --url {b}): give one.",
    ),
    "setup.profiles.tiss_only_add": (
        "{o}: só para um perfil TISS (acrescente --tiss).",
        "{o}: only for a TISS profile (add --tiss).",
    ),
    "setup.profiles.tiss_only_set": (
        '{o}: só para um perfil TISS, e "{n}" é um perfil de backend de token.',
        '{o}: only for a TISS profile, and "{n}" is a token-backend profile.',
    ),
    "setup.profiles.refused": (
        "{o}: {p}. Nada foi gravado em {f}.",
        "{o}: {p}. Nothing was written to {f}.",
    ),
    "setup.profiles.tiss_next": (
        "Agora guarde a senha TISS: frontdesk login --profile {n}\n"
        "Depois confira: frontdesk tiss elegibilidade --profile {n} --card CARTEIRINHA "
        "--token CÓDIGO",
        "Now store its TISS password: frontdesk login --profile {n}\n"
        "Then check it: frontdesk tiss elegibilidade --profile {n} --card CARD --token CODE",
    ),
}
