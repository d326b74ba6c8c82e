"""The command line's texts (`cli.` keys): every command's --help, argparse's own words (usage,
sections, errors), and what `frontdesk serve` says when it starts and stops.

Loaded only when a help, a usage error or `frontdesk serve` needs them: the app's own start
never reads this catalog (cli/parsers.py keeps the keys, its formatter looks them up).
"""

from __future__ import annotations

from typing import Final

CATALOG: Final[dict[str, tuple[str, str]]] = {
    # --- argparse's own words ---------------------------------------------------------------
    "cli.usage": ("uso: ", "usage: "),
    "cli.section.positionals": ("argumentos", "positional arguments"),
    "cli.section.options": ("opções", "options"),
    "cli.section.tiss_add": ("perfis TISS (com --tiss)", "TISS profiles (with --tiss)"),
    "cli.section.tiss_set": ("perfis TISS", "TISS profiles"),
    "cli.help.help": ("mostra esta ajuda e sai", "show this help message and exit"),
    "cli.help.version": (
        "mostra a versão do programa e sai",
        "show program's version number and exit",
    ),
    "cli.error": ("{prog}: erro: {message}\n", "{prog}: error: {message}\n"),
    "cli.error.argument": ("argumento {argument}: {message}", "argument {argument}: {message}"),
    "cli.error.required": (
        "faltam argumentos obrigatórios: {names}",
        "the following arguments are required: {names}",
    ),
    "cli.error.one_required": (
        "um destes argumentos é obrigatório: {names}",
        "one of the arguments {names} is required",
    ),
    "cli.error.unrecognized": (
        "argumentos não reconhecidos: {names}",
        "unrecognized arguments: {names}",
    ),
    "cli.error.not_allowed_with": (
        "não pode ser usado com o argumento {other}",
        "not allowed with argument {other}",
    ),
    "cli.error.invalid_choice": (
        "escolha inválida: {value} (escolha entre {choices})",
        "invalid choice: {value} (choose from {choices})",
    ),
    "cli.error.not_integer": ("não é um número inteiro: {value}", "invalid int value: {value}"),
    "cli.error.not_number": ("não é um número: {value}", "invalid float value: {value}"),
    "cli.error.invalid_value": (
        "valor inválido ({type}): {value}",
        "invalid {type} value: {value}",
    ),
    "cli.error.expected_one": ("falta o valor", "expected one argument"),
    "cli.error.expected_at_most_one": (
        "aceita no máximo um valor",
        "expected at most one argument",
    ),
    "cli.error.expected_at_least_one": (
        "pede pelo menos um valor",
        "expected at least one argument",
    ),
    "cli.error.expected_n": ("pede {n} valores", "expected {n} arguments"),
    "cli.error.ambiguous": (
        "opção ambígua: {option} pode ser {matches}",
        "ambiguous option: {option} could match {matches}",
    ),
    "cli.error.explicit_value": (
        "esta opção não leva valor: {value}",
        "ignored explicit argument {value}",
    ),
    "cli.error.unexpected_option": (
        "opção inesperada: {option}",
        "unexpected option string: {option}",
    ),
    # --- frontdesk (the app) ----------------------------------------------------------------
    "cli.help.app": (
        "Libera guias de plano de saúde com um código (token) de uso único. Sem opções, abre "
        "no backend local embutido, com dados de demonstração.",
        "Release health-plan guides with a one-time token. With no options it opens on the "
        "embedded local backend with demo data.",
    ),
    "cli.help.url": (
        "endereço base de um backend de tokens remoto (chave: FRONTDESK_API_KEY)",
        "base URL of a remote token backend (key: FRONTDESK_API_KEY)",
    ),
    "cli.help.lang": (
        "idioma da interface (padrão: o do locale, senão pt)",
        "interface language (default: from the locale, else pt)",
    ),
    "cli.help.db": (
        "modo local: caminho do banco de dados (padrão: a pasta de dados do usuário; "
        "':memory:' para uma demonstração nova)",
        "local mode: database path (default: user data dir; ':memory:' for fresh demo)",
    ),
    "cli.help.profile": (
        "perfil de conexão do arquivo de configuração (padrão: FRONTDESK_PROFILE, senão o "
        "padrão do arquivo; nenhum: o backend local embutido)",
        "connection profile from the config file (default: FRONTDESK_PROFILE, else the "
        "file's default; none: the embedded local backend)",
    ),
    "cli.help.insecure": (
        "permite http:// simples para outra máquina (avisado na tela; nunca enfraquece https)",
        "allow plain http:// to another machine (shown on screen; never weakens https)",
    ),
    "cli.help.tiss_demo": (
        "o balcão na operadora TISS local, sem rede: exportações de demonstração, o simulador "
        "(com --db como no modo local)",
        "the counter on the local TISS operator, offline: demo exports, the simulator (with "
        "--db as for local mode)",
    ),
    "cli.help.profile_option": (
        "perfil a usar (padrão: FRONTDESK_PROFILE, senão o padrão do arquivo de configuração)",
        "profile to use (default: FRONTDESK_PROFILE, else the config file's default)",
    ),
    "cli.help.json": ("saída para programas (JSON)", "machine-readable output"),
    # --- frontdesk serve --------------------------------------------------------------------
    "cli.help.serve": (
        "serve o backend local por HTTP",
        "serve the local backend over HTTP",
    ),
    "cli.help.serve.host": (
        "endereço onde escutar (padrão: loopback, só este computador)",
        "address to listen on (default: loopback)",
    ),
    "cli.help.serve.port": ("porta (padrão: 8765)", "port (default: 8765)"),
    "cli.help.serve.db": (
        "caminho do banco de dados (padrão: a pasta de dados do usuário; ':memory:' para "
        "demonstração)",
        "database path (default: user data dir; ':memory:' for demo)",
    ),
    "cli.help.serve.database": (
        "banco de dados como URL: sqlite:///CAMINHO (o padrão) ou postgresql://USUÁRIO@HOST/NOME "
        "para vários servidores num só banco; a senha vem de PGPASSWORD ou ~/.pgpass, nunca "
        "da URL",
        "database as a URL: sqlite:///PATH (the default) or postgresql://USER@HOST/NAME for "
        "several servers on one database; the password comes from PGPASSWORD or ~/.pgpass, "
        "never from the URL",
    ),
    "cli.help.web.database": (
        "os usuários num banco de dados compartilhado por vários servidores web: "
        "sqlite:///CAMINHO ou postgresql://USUÁRIO@HOST/NOME (padrão: o arquivo de usuários "
        "deste computador)",
        "the users in a database shared by several web hosts: sqlite:///PATH or "
        "postgresql://USER@HOST/NAME (default: this machine's users file)",
    ),
    "cli.help.web.users.migrate": (
        "copia os usuários do arquivo deste computador para o banco de dados --database",
        "copy this machine's users file into the --database database",
    ),
    "cli.help.serve.migrate": (
        "atualiza o esquema de um banco de dados antigo antes de atender (faça um backup antes)",
        "migrate an older database's schema before serving (back it up first)",
    ),
    "cli.help.serve.api_key": (
        "chave de API que os clientes devem apresentar (padrão: FRONTDESK_API_KEY, senão uma "
        "é criada e mostrada uma vez)",
        "API key clients must present (default: FRONTDESK_API_KEY, else one is made and "
        "printed once)",
    ),
    "cli.help.serve.policy": (
        "arquivo TOML com a política de tokens da operadora (code_length, lifetime_seconds, "
        "max_attempts, resend_wait_seconds, sends_per_hour, card_failures_per_day, ...)",
        "TOML file with the operator's token policy (code_length, lifetime_seconds, "
        "max_attempts, resend_wait_seconds, sends_per_hour, card_failures_per_day, ...)",
    ),
    "cli.help.serve.tls_cert": (
        "certificado PEM para servir HTTPS (com --tls-key)",
        "PEM certificate to serve HTTPS (with --tls-key)",
    ),
    "cli.help.serve.tls_key": (
        "chave privada PEM do --tls-cert",
        "PEM private key for --tls-cert",
    ),
    "cli.help.serve.access_log": (
        "uma linha de log por requisição: rota, guia, status, tempo (nunca o conteúdo)",
        "log one line per request: route, guide, status, time (never bodies)",
    ),
    "cli.help.serve.simulator": (
        "serve os caminhos do simulador /v1/_local/* (padrão: só num endereço loopback)",
        "serve the simulator paths /v1/_local/* (default: only on a loopback address)",
    ),
    "cli.help.serve.tiss_versions": (
        "versões TISS que a operadora local aceita, separadas por vírgula, por exemplo "
        "4.03.00,4.02.00 (padrão: todas as que o frontdesk fala); o caminho de outra versão "
        "responde VersaoInvalida",
        "TISS versions the local operator accepts, comma-separated, e.g. 4.03.00,4.02.00 "
        "(default: every version frontdesk speaks); another version's path answers "
        "VersaoInvalida",
    ),
    "cli.help.serve.header_timeout": (
        "fecha a conexão cujos cabeçalhos não chegam completos neste tempo (padrão: %(default)g)",
        "close a connection whose request headers are not complete in this time (default: "
        "%(default)g)",
    ),
    "cli.help.serve.body_timeout": (
        "fecha a conexão cujo corpo da requisição para por este tempo (padrão: %(default)g)",
        "close a connection whose request body stalls this long (default: %(default)g)",
    ),
    "cli.help.serve.max_connections": (
        "conexões abertas ao mesmo tempo; as demais são recusadas com 503 (padrão: %(default)s)",
        "connections open at once; more are refused with 503 (default: %(default)s)",
    ),
    # --- the technician's commands ----------------------------------------------------------
    "cli.help.login": (
        "pede a chave de API de um perfil (sem eco), confere com o backend e a guarda; num "
        "perfil TISS, a senha",
        "ask for a profile's API key (no echo), check it with the backend and store it; on a "
        "TISS profile, its password",
    ),
    "cli.help.login.key_file": (
        "guarda a chave em <pasta de configuração>/keys/<perfil>.key (modo 0600) em vez do "
        "chaveiro (para sessões SSH sem chaveiro)",
        "store the key in <config dir>/keys/<profile>.key (mode 0600) instead of the keyring "
        "(for SSH sessions without a desktop keyring)",
    ),
    "cli.help.logout": (
        "esquece a chave de API guardada de um perfil",
        "forget a profile's stored API key",
    ),
    "cli.help.profiles": (
        "lista os perfis de conexão; adiciona, altera ou remove um",
        "list the connection profiles; add/set/remove one",
    ),
    "cli.help.profiles.add": (
        "adiciona um perfil (um backend de tokens; com --tiss, os web services TISS de uma "
        "operadora)",
        "add a profile (a token backend; with --tiss an operator's TISS web services)",
    ),
    "cli.help.profiles.name": (
        "nome do perfil (letras, dígitos, '-', '_')",
        "profile name (letters, digits, '-', '_')",
    ),
    "cli.help.profiles.url": (
        "o endereço base do backend, por exemplo https://host/v1 (obrigatório; TISS: ou "
        "depois de --tiss)",
        "the backend's base URL, e.g. https://host/v1 (required; TISS: or after --tiss)",
    ),
    "cli.help.profiles.operator": (
        "o nome da operadora como aparece na tela",
        "the operator's name as shown on screen",
    ),
    "cli.help.profiles.ca_bundle": (
        "arquivo PEM com o(s) certificado(s) da CA da operadora",
        "PEM file with the operator's CA certificate(s)",
    ),
    "cli.help.profiles.connect_timeout": (
        "segundos (padrão 3; TISS 5)",
        "seconds (default 3; TISS 5)",
    ),
    "cli.help.profiles.read_timeout": (
        "segundos (padrão 10; TISS 30)",
        "seconds (default 10; TISS 30)",
    ),
    "cli.help.profiles.default": ("torna-o o perfil padrão", "make it the default profile"),
    "cli.help.profiles.tiss": (
        "um perfil TISS no endereço dos web services da operadora ({operation} no lugar do "
        "nome de cada serviço; ou dê-o com --url): pede --registro-ans e --prestador (a "
        "senha: `frontdesk login --profile NOME`)",
        "a TISS profile at the operator's web services' URL ({operation} standing for each "
        "service's name; or give it with --url): needs --registro-ans and --prestador (the "
        "password: `frontdesk login --profile NAME`)",
    ),
    "cli.help.profiles.set": (
        "altera configurações de um perfil, como opções ou como pares CHAVE VALOR das chaves "
        "do arquivo, por exemplo `set NOME tiss_version 4.02.00` ('' remove uma)",
        "change settings of a profile, as options or as KEY VALUE pairs of the file's keys, "
        "e.g. `set NAME tiss_version 4.02.00` ('' removes one)",
    ),
    "cli.help.profiles.pairs": (
        "uma configuração pela chave no arquivo (tiss_version 4.02.00 é --tiss-version 4.02.00)",
        "a setting by its key in the file (tiss_version 4.02.00 is --tiss-version 4.02.00)",
    ),
    "cli.help.profiles.language": (
        "o idioma do perfil",
        "the profile's language",
    ),
    "cli.help.profiles.theme": ("o tema de cores do perfil", "the profile's colour theme"),
    "cli.help.profiles.remove": (
        "remove um perfil e a chave guardada dele",
        "remove a profile and its stored key",
    ),
    "cli.help.profiles.make_default": ("torna um perfil o padrão", "make a profile the default"),
    "cli.help.tiss.test_url": (
        "o endereço dos web services de teste (homologação) da operadora",
        "the operator's test (homologação) web services' URL",
    ),
    "cli.help.tiss.environment": (
        "qual endereço usar: production (padrão), ou test (--test-url)",
        "which URL to use: production (default), or test (--test-url)",
    ),
    "cli.help.tiss.registro_ans": (
        "o registro ANS da operadora",
        "the operator's ANS registration",
    ),
    "cli.help.tiss.prestador_type": (
        "como a operadora conhece a clínica: pelo código dela lá (add: o padrão), pelo CNPJ "
        "ou pelo CPF",
        "how the operator knows the clinic: its code there (add: the default), its CNPJ or CPF",
    ),
    "cli.help.tiss.prestador": ("esse código, CNPJ ou CPF", "that code, CNPJ or CPF"),
    "cli.help.tiss.login": (
        "o login TISS (padrão: o prestador)",
        "the TISS login (default: the prestador)",
    ),
    "cli.help.tiss.cnes": ("o CNES da clínica (7 dígitos)", "the clinic's CNES (7 digits)"),
    "cli.help.tiss.code_length": (
        "o tamanho dos códigos da operadora",
        "the operator's code length",
    ),
    "cli.help.tiss.code_chars": (
        "os códigos da operadora: digits (dígitos, o padrão), ou letters (letras e dígitos)",
        "the operator's codes: digits (default), or letters and digits",
    ),
    "cli.help.tiss.app_name": (
        "o aplicativo da operadora, onde o paciente gera o código",
        "the operator's app, where the patient makes the code",
    ),
    "cli.help.tiss.sac_phone": (
        "o telefone do SAC da operadora (repita para mais de um; set: troca a lista)",
        "the operator's SAC phone (repeat for more; set: replaces the list)",
    ),
    "cli.help.tiss.portal": (
        "de onde a operadora envia os códigos por SMS",
        "where the operator sends SMS codes from",
    ),
    "cli.help.tiss.import_folder": (
        "as exportações TISS do sistema da clínica",
        "the practice system's TISS exports",
    ),
    "cli.help.tiss.tiss_version": (
        "a versão TISS que a operadora fala, por exemplo 4.02.00 (padrão: a versão em vigor; "
        "`frontdesk doctor` diz se a operadora a aceita)",
        "the TISS version the operator speaks, e.g. 4.02.00 (default: the version in force; "
        "`frontdesk doctor` says whether the operator takes it)",
    ),
    "cli.help.tiss.export_folder": (
        "onde as respostas são gravadas",
        "where answers are written back",
    ),
    "cli.help.doctor": (
        "confere a instalação passo a passo (configuração, chave, rede, TLS, relógio, terminal)",
        "check the setup step by step (config, key, network, TLS, clock, terminal)",
    ),
    "cli.help.audit": (
        "mostra o log de auditoria como tabela",
        "print the audit log as a table",
    ),
    "cli.help.audit.since": (
        "só os registros a partir desse dia",
        "only records from that day on",
    ),
    "cli.help.audit.database": (
        "o log de auditoria do banco de dados dos servidores web (frontdesk web --database): "
        "sqlite:///CAMINHO ou postgresql://USUÁRIO@HOST/NOME",
        "the audit log in the web hosts' database (frontdesk web --database): "
        "sqlite:///PATH or postgresql://USER@HOST/NAME",
    ),
    # --- frontdesk tiss ---------------------------------------------------------------------
    "cli.help.tiss": (
        "TISS com uma operadora, na versão do perfil: conferir elegibilidade, guardar a senha",
        "TISS with an operator, in its profile's version: check eligibility, store the password",
    ),
    "cli.help.tiss.elegibilidade": (
        "uma VerificaElegibilidade de verdade: a carteira tem cobertura, o código vale",
        "one real VerificaElegibilidade: is the card covered, is the code good",
    ),
    "cli.help.tiss.profile": (
        'um [profiles.NOME] com kind = "tiss"',
        'a [profiles.NAME] with kind = "tiss"',
    ),
    "cli.help.tiss.card": (
        "o número da carteira do beneficiário (8 a 20 dígitos)",
        "the beneficiary's card number (8 to 20 digits)",
    ),
    "cli.help.tiss.token": (
        "o código que o paciente traz (1 a 10 caracteres)",
        "the code the patient carries (1–10)",
    ),
    "cli.help.tiss.reason": (
        "sem código: o motivo da tabela TUSS 74, de 01 a 07",
        "no code: TUSS table 74 reason, 01–07",
    ),
    "cli.help.tiss.ident": (
        "como o paciente foi identificado (tabela 72)",
        "how the patient was identified (table 72)",
    ),
    "cli.help.tiss.demo_files": (
        "grava em DIR as exportações TISS XML da clínica de demonstração (das guias do "
        "`frontdesk serve`)",
        "write the demo clinic's TISS XML exports (for `frontdesk serve`'s guides) into DIR",
    ),
    "cli.help.tiss.folder": (
        "a pasta de importação do balcão TISS",
        "the TISS counter's import folder",
    ),
    "cli.help.tiss.db": (
        "o banco de dados do backend local (padrão: o que o `frontdesk serve` usa)",
        "the local backend's database (default: the one `frontdesk serve` uses)",
    ),
    "cli.help.tiss.login_command": (
        "guarda a senha TISS de um perfil (sem eco), como `frontdesk login`",
        "store a TISS profile's password (no echo), as `frontdesk login` does",
    ),
    "cli.help.tiss.key_file": (
        "guarda-a em <pasta de configuração>/keys/<perfil>.key (modo 0600) em vez do chaveiro",
        "store it in <config dir>/keys/<profile>.key (mode 0600) instead of the keyring",
    ),
    # --- frontdesk web ----------------------------------------------------------------------
    "cli.help.web": (
        "serve a recepção para navegadores (terminais leves), depois de entrar com usuário e senha",
        "serve the desk to browsers (thin clients), behind a sign-in",
    ),
    "cli.help.web.description": (
        "Serve a recepção para navegadores pelo textual-serve, depois de entrar com usuário e "
        "senha. Só este computador (loopback) por padrão; qualquer outro endereço pede "
        "--tls-cert e --tls-key.",
        "Serve the desk to browsers through textual-serve, behind a sign-in. Loopback by "
        "default; any other address needs --tls-cert and --tls-key.",
    ),
    "cli.help.web.port": ("porta (padrão: 8080)", "port (default: 8080)"),
    "cli.help.web.profile": (
        "o perfil de conexão da recepção",
        "the desk's connection profile",
    ),
    "cli.help.web.db": (
        "modo local: o banco de dados (padrão: o da pasta de dados do usuário)",
        "local mode: the database (default: the user data dir's)",
    ),
    "cli.help.web.tls_cert": (
        "certificado para servir HTTPS (com --tls-key)",
        "certificate to serve HTTPS (with --tls-key)",
    ),
    "cli.help.web.tls_key": ("chave privada do --tls-cert", "private key for --tls-cert"),
    "cli.help.web.max_sessions": (
        "quantas recepções (processos do app) ao mesmo tempo, no máximo (padrão: 24)",
        "most desks (app processes) running at once (default: 24)",
    ),
    "cli.help.web.spawn_desks": (
        "cada recepção num processo novo, sem o processo pré-carregado do qual as recepções "
        "são copiadas (é sempre assim no Windows)",
        "start each desk as a new process instead of forking it from the preloaded parent "
        "(always so on Windows)",
    ),
    "cli.help.web.idle_minutes": (
        "minutos sem uso até a sessão terminar e a recepção fechar (padrão: 15, no máximo 30)",
        "minutes without use before a session ends and its desk closes (default: 15, at most 30)",
    ),
    "cli.help.web.name": (
        "o nome deste servidor web na auditoria do banco --database, nas linhas da entrada "
        "e nas das suas recepções (padrão: o nome deste computador)",
        "this web host's name in the --database audit, on its sign-in lines and its desks' "
        "(default: this machine's name)",
    ),
    "cli.help.web.trusted_proxy": (
        "o endereço do balanceador de carga: o X-Forwarded-For dele identifica o cliente (os "
        "limites de entrada contam por ele); o de ninguém mais é aceito",
        "the load balancer's address: its X-Forwarded-For names the client (the sign-in "
        "limits count by it); nobody else's is believed",
    ),
    "cli.help.web.users": (
        "adiciona, desativa, desbloqueia ou lista os usuários da web",
        "add, remove, unlock or list web users",
    ),
    "cli.help.web.users.add": (
        "adiciona um usuário ou troca a senha dele (perguntada, ou uma linha na entrada)",
        "add a user or change its password (prompted, or one line on stdin)",
    ),
    "cli.help.web.users.name": ("o nome do usuário", "the user's name"),
    "cli.help.web.users.remove": (
        "desativa um usuário (fica registrado, não entra mais)",
        "deactivate a user (kept on record, no sign-in)",
    ),
    "cli.help.web.users.unlock": (
        "desbloqueia um usuário depois de senhas erradas",
        "lift a lock after wrong passwords",
    ),
    "cli.help.web.users.list": ("lista os usuários", "list the users"),
    # --- what frontdesk serve says ----------------------------------------------------------
    "cli.serve.bad_port": (
        "frontdesk serve: a porta {port} não está entre 0 e 65535",
        "frontdesk serve: port {port} is not between 0 and 65535",
    ),
    "cli.serve.plain_http": (
        "frontdesk serve: aviso: HTTP sem criptografia em {host}; qualquer um na rede lê "
        "chaves de API e guias. Use --tls-cert/--tls-key ou um proxy TLS.",
        "frontdesk serve: warning: serving plain HTTP on {host}; anyone on the network can "
        "read API keys and guides. Use --tls-cert/--tls-key or a TLS proxy.",
    ),
    "cli.serve.no_database": (
        "frontdesk serve: não foi possível abrir o banco de dados: {error}",
        "frontdesk serve: cannot open the database: {error}",
    ),
    "cli.serve.schema_too_old": (
        "frontdesk serve: o banco de dados {db} tem o esquema versão {version} e este frontdesk "
        "usa a versão {needed}. Faça um backup e atualize com:\n  {command}",
        "frontdesk serve: the database {db} has schema version {version} and this frontdesk "
        "uses version {needed}. Back it up, then migrate with:\n  {command}",
    ),
    "cli.serve.two_databases": (
        "frontdesk serve: use --database ou --db, não os dois",
        "frontdesk serve: give --database or --db, not both",
    ),
    "cli.database.password_in_url": (
        "a URL do banco de dados traz uma senha, e a linha de comando é visível a todos os "
        "usuários deste computador (ps). Tire a senha da URL ({url}) e ponha-a em PGPASSWORD "
        "ou em ~/.pgpass",
        "the database URL carries a password, and a command line is visible to every user of "
        "this machine (ps). Remove it from the URL ({url}) and put it in PGPASSWORD or "
        "~/.pgpass",
    ),
    "cli.database.unknown_scheme": (
        "banco de dados desconhecido: {url}. Use sqlite:///CAMINHO ou postgresql://USUÁRIO@HOST/NOME",
        "unknown database: {url}. Use sqlite:///PATH or postgresql://USER@HOST/NAME",
    ),
    "cli.database.sqlite_host": (
        "uma URL sqlite não tem servidor: use sqlite:///CAMINHO (três barras): {url}",
        "an sqlite URL has no host: use sqlite:///PATH (three slashes): {url}",
    ),
    "cli.database.sqlite_path": (
        "falta o caminho do arquivo na URL sqlite: {url}",
        "the sqlite URL lacks the file's path: {url}",
    ),
    "cli.database.postgres_missing": (
        "o PostgreSQL precisa do psycopg, que não está instalado: pip install "
        '"frontdesk[postgres]"',
        'PostgreSQL needs psycopg, which is not installed: pip install "frontdesk[postgres]"',
    ),
    "cli.serve.serving": (
        "frontdesk: backend local atendendo em {url} (banco de dados: {db}; Ctrl-C para parar)",
        "frontdesk local backend serving on {url} (database: {db}; Ctrl-C to stop)",
    ),
    "cli.serve.simulator_on": (
        "simulador ligado: /v1/_local/* servido, health diz mode local ({why})",
        "simulator on: /v1/_local/* served, health says mode local ({why})",
    ),
    "cli.serve.simulator_off": ("simulador desligado ({why})", "simulator off ({why})"),
    "cli.serve.why_loopback": ("endereço loopback", "loopback address"),
    "cli.serve.why_not_loopback": (
        "não é um endereço loopback; --simulator o serve",
        "not a loopback address; --simulator serves it",
    ),
    "cli.serve.api_key": (
        "Chave de API (mostrada uma vez; os clientes enviam 'Authorization: Bearer "
        "<chave>'): {key}",
        "API key (shown once; clients send 'Authorization: Bearer <key>'): {key}",
    ),
    "cli.serve.cannot_listen": (
        "frontdesk serve: não foi possível escutar em {host}:{port}",
        "frontdesk serve: could not listen on {host}:{port}",
    ),
    "cli.serve.stopped": (
        "frontdesk: backend local parado; banco de dados fechado.",
        "frontdesk local backend stopped; database closed.",
    ),
}
