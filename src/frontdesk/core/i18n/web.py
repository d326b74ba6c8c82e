"""The texts of `frontdesk web`: its pages in the browser and its user commands (pt-BR, en).

Read through `frontdesk.core.i18n` (keys starting with `web.`); the server picks the language
per request (`frontdesk.core.i18n.Texts`), the commands through the one language setting.
"""

from __future__ import annotations

from typing import Final

# key -> (pt-BR, en)
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # --- the login page ---------------------------------------------------------------
    "web.login.title": ("Frontdesk — Entrar", "Frontdesk — Sign in"),
    "web.login.heading": ("Entrar na recepção", "Sign in to the front desk"),
    "web.login.user": ("Usuário", "User"),
    "web.login.password": ("Senha", "Password"),
    "web.login.submit": ("Entrar", "Sign in"),
    "web.login.other_language": ("English", "Português"),
    "web.login.failed": (
        "Não foi possível entrar. Confira usuário e senha. Depois de {max} tentativas "
        "erradas, o acesso fica bloqueado por {minutes} minutos.",
        "Could not sign in. Check the user and password. After {max} wrong attempts, "
        "access is blocked for {minutes} minutes.",
    ),
    "web.login.too_many": (
        "Muitas tentativas erradas a partir deste endereço. Tente de novo em {seconds} s.",
        "Too many wrong attempts from this address. Try again in {seconds} s.",
    ),
    "web.login.busy": (
        "Muitas entradas ao mesmo tempo. Tente de novo em {seconds} s.",
        "Too many sign-ins at once. Try again in {seconds} s.",
    ),
    "web.login.password_expired": (
        "A senha deste usuário passou de {days} dias e precisa ser trocada. Peça ao técnico "
        "(frontdesk web users add NOME).",
        "This user's password is older than {days} days and must be changed. Ask the "
        "technician (frontdesk web users add NAME).",
    ),
    "web.login.stale_form": (
        "O formulário expirou. Digite usuário e senha de novo.",
        "The form expired. Type the user and password again.",
    ),
    "web.unavailable": (
        "O servidor não consegue ler as sessões agora. Tente de novo em instantes; se "
        "continuar, avise o suporte.",
        "The server cannot read the sessions now. Try again in a moment; if it goes on, "
        "tell support.",
    ),
    "web.login.unavailable": (
        "A entrada está indisponível agora (o servidor não conseguiu ler os usuários). Avise "
        "o suporte.",
        "Signing in is unavailable now (the server could not read its users). Tell support.",
    ),
    "web.login.locked": (
        "Entrada bloqueada até {until} depois de {max} tentativas erradas. Tente de novo "
        "nesse horário, ou peça ao técnico para desbloquear.",
        "Sign-in blocked until {until} after {max} wrong attempts. Try again then, or ask "
        "the technician to unblock it.",
    ),
    "web.login.expired_one": (
        "Sua sessão foi encerrada após {minutes} minuto sem uso. Entre de novo.",
        "Your session was closed after {minutes} minute without use. Sign in again.",
    ),
    "web.login.expired": (
        "Sua sessão foi encerrada após {minutes} minutos sem uso. Entre de novo.",
        "Your session was closed after {minutes} minutes without use. Sign in again.",
    ),
    "web.login.logged_out": ("Você saiu. Até logo.", "You signed out. See you."),
    "web.login.footer": (
        "Acesso restrito à equipe da clínica. Tentativas de acesso são registradas.",
        "Restricted to the clinic's staff. Sign-in attempts are recorded.",
    ),
    # --- the desk page ----------------------------------------------------------------
    "web.desk.title": ("Frontdesk — {user}", "Frontdesk — {user}"),
    "web.desk.user": ("Usuário: {user}", "User: {user}"),
    "web.desk.first_login": ("primeiro acesso", "first sign-in"),
    "web.desk.last_login": (
        "último acesso {when} de {address}",
        "last sign-in {when} from {address}",
    ),
    "web.desk.failures": (
        "{count} tentativas erradas depois (a última {when} de {address})",
        "{count} failed attempts since (the last {when} from {address})",
    ),
    "web.desk.failure_one": (
        "1 tentativa errada depois ({when} de {address})",
        "1 failed attempt since ({when} from {address})",
    ),
    "web.desk.logout": ("Sair", "Sign out"),
    "web.desk.loading": ("Abrindo a recepção…", "Opening the front desk…"),
    "web.desk.closed": ("A recepção foi fechada.", "The front desk was closed."),
    # --- the pages after the desk closed --------------------------------------------
    "web.ended.title": ("Frontdesk — sessão encerrada", "Frontdesk — session ended"),
    "web.ended.quit": (
        "A recepção foi fechada nesta aba.",
        "The front desk was closed in this tab.",
    ),
    "web.ended.elsewhere": (
        "A recepção foi aberta em outra aba ou outro computador com este usuário; esta aba "
        "foi fechada.",
        "The front desk was opened in another tab or computer with this user; this tab was closed.",
    ),
    "web.ended.crashed": (
        "A recepção parou de responder e foi fechada. Nada foi perdido na operadora.",
        "The front desk stopped responding and was closed. Nothing was lost on the "
        "operator's side.",
    ),
    "web.ended.reopen": ("Abrir a recepção de novo", "Open the front desk again"),
    "web.full.title": ("Frontdesk — sem vaga", "Frontdesk — no room"),
    "web.full.message": (
        "As {max} recepções que este servidor atende ao mesmo tempo estão em uso. Feche uma "
        "aba que não esteja em uso ou tente de novo em alguns minutos.",
        "All {max} front desks this server runs at once are in use. Close a tab that is not "
        "in use or try again in a few minutes.",
    ),
    "web.full.retry": ("Tentar de novo", "Try again"),
    "web.denied.title": ("Frontdesk — acesso negado", "Frontdesk — access denied"),
    "web.denied.message": (
        "É preciso entrar para ver esta página.",
        "You need to sign in to see this page.",
    ),
    "web.denied.login": ("Ir para a entrada", "Go to sign-in"),
    "web.denied.host": (
        "Este endereço não é o deste servidor.",
        "This address is not this server's.",
    ),
    # --- `frontdesk web` and `frontdesk web users` (the technician's terminal) ---------
    "web.serving": (
        "frontdesk web: recepção no navegador em {url} (usuários: {users}; até {max} "
        "sessões; Ctrl-C para parar)",
        "frontdesk web: the front desk in a browser at {url} (users: {users}; up to {max} "
        "sessions; Ctrl-C to stop)",
    ),
    "web.stopped": (
        "frontdesk web: parado; as recepções abertas foram fechadas.",
        "frontdesk web: stopped; the open front desks were closed.",
    ),
    "web.no_tls": (
        "frontdesk web: {host} não é este computador (loopback); sem TLS, senhas e guias "
        "passariam abertas pela rede. Use --tls-cert e --tls-key.",
        "frontdesk web: {host} is not this machine (loopback); without TLS, passwords and "
        "guides would cross the network in the clear. Use --tls-cert and --tls-key.",
    ),
    "web.tls_pair": (
        "frontdesk web: use --tls-cert e --tls-key juntos.",
        "frontdesk web: use --tls-cert and --tls-key together.",
    ),
    "web.tls_unusable": (
        "frontdesk web: o certificado ou a chave TLS não pôde ser usado: {reason}",
        "frontdesk web: the TLS certificate or key cannot be used: {reason}",
    ),
    "web.cannot_listen": (
        "frontdesk web: não foi possível escutar em {host}:{port}: {reason}",
        "frontdesk web: cannot listen on {host}:{port}: {reason}",
    ),
    "web.address_in_use": (
        "o endereço já está em uso (outro programa escuta nessa porta; escolha outra com --port)",
        "the address is already in use (another program listens on that port; pick another "
        "with --port)",
    ),
    "web.address_forbidden": (
        "sem permissão (portas abaixo de 1024 pedem administrador; use outra com --port)",
        "permission denied (ports below 1024 need an administrator; use another with --port)",
    ),
    "web.address_not_here": (
        "este computador não tem esse endereço (confira --host)",
        "this computer does not have that address (check --host)",
    ),
    "web.bad_port": (
        "frontdesk web: a porta {port} não está entre 0 e 65535.",
        "frontdesk web: port {port} is not between 0 and 65535.",
    ),
    "web.bad_name": (
        "frontdesk web: --name {name} não serve como nome de servidor: use letras, números e "
        ". _ : - (até 128), começando por letra ou número.",
        "frontdesk web: --name {name} is not a usable host name: use letters, digits and "
        ". _ : - (up to 128), starting with a letter or digit.",
    ),
    "web.bad_proxy": (
        "frontdesk web: --trusted-proxy {address} não é um endereço IP.",
        "frontdesk web: --trusted-proxy {address} is not an IP address.",
    ),
    "web.bad_max_sessions": (
        "frontdesk web: --max-sessions deve ser de 1 a {max}.",
        "frontdesk web: --max-sessions must be from 1 to {max}.",
    ),
    "web.bad_idle": (
        "frontdesk web: --idle-minutes deve ser maior que 0 e no máximo {max} (padrão TISS).",
        "frontdesk web: --idle-minutes must be above 0 and at most {max} (TISS standard).",
    ),
    "web.no_users": (
        "frontdesk web: nenhum usuário cadastrado em {path}. Cadastre um antes: "
        "frontdesk web users add NOME",
        "frontdesk web: no user in {path}. Add one first: frontdesk web users add NAME",
    ),
    "web.users.password": ("Senha para {user}: ", "Password for {user}: "),
    "web.users.again": ("Repita a senha: ", "Repeat the password: "),
    "web.users.mismatch": ("As duas senhas não são iguais.", "The two passwords differ."),
    "web.users.no_password": (
        "Nenhuma senha recebida na entrada padrão.",
        "No password on standard input.",
    ),
    "web.users.added": ("Usuário {user} cadastrado em {path}.", "User {user} added to {path}."),
    "web.users.changed": (
        "Senha de {user} trocada; o usuário está ativo e desbloqueado.",
        "{user}'s password changed; the user is active and unlocked.",
    ),
    "web.users.removed": (
        "Usuário {user} desativado: não entra mais. Fica na lista como inativo, porque o "
        "registro de auditoria guarda o que fez (TISS).",
        "User {user} deactivated: can no longer sign in. Listed as inactive, because the "
        "audit log keeps what they did (TISS).",
    ),
    "web.users.unlocked": ("Usuário {user} desbloqueado.", "User {user} unlocked."),
    "web.users.unknown": ("Não há usuário {user}.", "There is no user {user}."),
    "web.users.none": ("Nenhum usuário.", "No users."),
    "web.users.header": ("usuário|situação|senha trocada em", "user|state|password changed on"),
    "web.users.active": ("ativo", "active"),
    "web.users.inactive": ("inativo", "inactive"),
    "web.users.locked": ("bloqueado até {until}", "blocked until {until}"),
    "web.users.bad_name": (
        'nome de usuário inválido: "{user}"; use de 2 a 32 letras minúsculas, dígitos, '
        '".", "_" ou "-", começando por letra ou dígito.',
        'invalid user name: "{user}"; use 2 to 32 lower-case letters, digits, ".", "_" or '
        '"-", starting with a letter or digit.',
    ),
    "web.users.migrated": (
        "{count} usuário(s) de {path} copiado(s) para {database}.",
        "{count} user(s) of {path} copied to {database}.",
    ),
    "web.users.migrate_kept": (
        "{user} já existe em {database}: mantido como está lá.",
        "{user} already exists in {database}: kept as it is there.",
    ),
    "web.users.migrate_needs_database": (
        "diga para qual banco de dados copiar os usuários: --database URL",
        "say which database to copy the users to: --database URL",
    ),
    "web.users.db_unreadable": (
        "os usuários do banco de dados {path} não puderam ser lidos: {reason}",
        "the users in the database {path} cannot be read: {reason}",
    ),
    "web.users.db_unwritable": (
        "os usuários do banco de dados {path} não puderam ser gravados: {reason}",
        "the users in the database {path} cannot be written: {reason}",
    ),
    "web.users.unreadable": (
        "o arquivo de usuários {path} não pôde ser lido: {reason}",
        "the users file {path} cannot be read: {reason}",
    ),
    "web.users.unwritable": (
        "o arquivo de usuários {path} não pôde ser gravado: {reason}",
        "the users file {path} cannot be written: {reason}",
    ),
    # --- password rules (TISS, requirement 67 and 75) ---------------------------------
    "web.password.short": (
        "a senha precisa de pelo menos {min} caracteres.",
        "the password needs at least {min} characters.",
    ),
    "web.password.kinds": (
        "a senha precisa de pelo menos uma letra maiúscula, uma minúscula, um número e um "
        "símbolo (faltou: {missing}).",
        "the password needs at least one upper-case letter, one lower-case letter, one "
        "digit and one symbol (missing: {missing}).",
    ),
    "web.password.upper": ("maiúscula", "upper-case"),
    "web.password.lower": ("minúscula", "lower-case"),
    "web.password.digit": ("número", "digit"),
    "web.password.symbol": ("símbolo", "symbol"),
    "web.password.name": (
        "a senha não pode conter o nome do usuário.",
        "the password cannot contain the user name.",
    ),
    "web.password.reused": (
        "a senha precisa ser diferente das {count} últimas deste usuário.",
        "the password must differ from this user's last {count}.",
    ),
    "web.password.long": (
        "a senha pode ter no máximo {max} caracteres.",
        "the password can have at most {max} characters.",
    ),
}
