"""Texts of the technician's TISS command (`frontdesk tiss …`) and of TISS profiles.

Brazilian Portuguese first, English second; read through `frontdesk.core.i18n.t` (prefix
"tiss"). Glosa descriptions are not here: they are TUSS table 38's official Portuguese,
from the schemas (`frontdesk.tiss.glosas`), shown as published in both languages.
"""

from __future__ import annotations

from typing import Final

# key -> (pt-BR, en)
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # --- the answer -------------------------------------------------------------------------
    "tiss.answer": (
        "{operator} (registro ANS {registro}): {verdict}",
        "{operator} (ANS registration {registro}): {verdict}",
    ),
    "tiss.eligible": ("ELEGÍVEL", "ELIGIBLE"),
    "tiss.not_eligible": ("NÃO ELEGÍVEL", "NOT ELIGIBLE"),
    "tiss.beneficiary": ("Beneficiário: {name}", "Beneficiary: {name}"),
    "tiss.beneficiary_social": (
        "Beneficiário: {social} (nome civil: {name})",
        "Beneficiary: {social} (legal name: {name})",
    ),
    "tiss.no_beneficiary": (
        "A operadora não informou o beneficiário.",
        "The operator did not name the beneficiary.",
    ),
    "tiss.glosa": ("Glosa {code}: {description}", "Glosa {code}: {description}"),
    "tiss.glosa_detail": (
        "Glosa {code}: {description} (operadora: {detail})",
        "Glosa {code}: {description} (operator: {detail})",
    ),
    "tiss.transaction": (
        "Transação {sequence} ({environment}).",
        "Transaction {sequence} ({environment}).",
    ),
    "tiss.environment.production": ("produção", "production"),
    "tiss.environment.test": ("homologação", "test"),
    # --- refused before sending ---------------------------------------------------------------
    "tiss.bad_token_length": (
        "O código tem {length} caracteres; o TISS aceita de 1 a 10 (codValidacao). "
        "Nada foi enviado.",
        "The code has {length} characters; TISS takes 1 to 10 (codValidacao). Nothing was sent.",
    ),
    "tiss.bad_token_operator": (
        "Esta operadora usa códigos de {expected} caracteres; este tem {length}. Nada foi enviado.",
        "This operator's codes have {expected} characters; this one has {length}. "
        "Nothing was sent.",
    ),
    "tiss.bad_token_chars": (
        "O código só pode ter letras e números, sem espaços nem acentos. Nada foi enviado.",
        "The code may only hold letters and digits, without spaces or accents. Nothing was sent.",
    ),
    "tiss.bad_reason": (
        'Motivo "{reason}" inválido: use 01 a 07 (tabela TUSS 74: 01 internado … 07 não '
        "possui celular). Nada foi enviado.",
        'Invalid reason "{reason}": use 01 to 07 (TUSS table 74: 01 in hospital … 07 has no '
        "mobile phone). Nothing was sent.",
    ),
    "tiss.bad_card": (
        'Carteira inválida: "{card}". A carteira tem de 8 a 20 dígitos (espaços, pontos e '
        "traços como impressos). Nada foi enviado.",
        'Invalid card: "{card}". A card has 8 to 20 digits (spaces, dots and dashes as '
        "printed). Nothing was sent.",
    ),
    "tiss.bad_ident": (
        'Identificação "{ident}" inválida: use 01 a 09 (tabela TUSS 72). Nada foi enviado.',
        'Invalid identification "{ident}": use 01 to 09 (TUSS table 72). Nothing was sent.',
    ),
    "tiss.bad_input": (
        "Valor recusado antes do envio ({field}): {problem}. Nada foi enviado.",
        "Value refused before sending ({field}): {problem}. Nothing was sent.",
    ),
    # --- could not be reached, or refused -----------------------------------------------------
    "tiss.unreachable": (
        "Não foi possível falar com a operadora em {url}: {detail}. Confira a rede, o "
        "endereço do perfil e, se a operadora usa uma CA própria, o ca_bundle.",
        "Could not reach the operator at {url}: {detail}. Check the network, the profile's "
        "address and, if the operator uses its own CA, the ca_bundle.",
    ),
    "tiss.timeout": (
        "A operadora não respondeu em {seconds:g} s ({url}). Tente de novo; se continuar, "
        "aumente read_timeout no perfil.",
        "The operator did not answer within {seconds:g} s ({url}). Try again; if it goes on, "
        "raise read_timeout in the profile.",
    ),
    "tiss.login_refused": (
        'A operadora recusou o login "{login}" e a senha (LoginInvalido). Confira o login do '
        "perfil e guarde a senha de novo: frontdesk tiss login --profile {profile}",
        'The operator refused the login "{login}" and password (LoginInvalido). Check the '
        "profile's login and store the password again: frontdesk tiss login --profile "
        "{profile}",
    ),
    "tiss.fault": (
        "A operadora recusou a mensagem: {code}. {meaning}",
        "The operator refused the message: {code}. {meaning}",
    ),
    "tiss.fault.DestinatarioInvalido": (
        "O registro ANS do perfil (registro_ans) não é o desta operadora.",
        "The profile's ANS registration (registro_ans) is not this operator's.",
    ),
    "tiss.fault.RemetenteInvalido": (
        "A operadora não reconhece o prestador do perfil (prestador, prestador_type).",
        "The operator does not know the profile's provider (prestador, prestador_type).",
    ),
    "tiss.fault.VersaoInvalida": (
        "A operadora não aceita esta versão do TISS neste endereço.",
        "The operator does not take this TISS version at this address.",
    ),
    "tiss.version_mismatch": (
        "A operadora fala TISS {answered}, e o perfil envia TISS {sent}. Mude a versão do "
        "perfil: frontdesk profiles set {profile} tiss_version {fix}",
        "The operator speaks TISS {answered}, and the profile sends TISS {sent}. Change the "
        "profile's version: frontdesk profiles set {profile} tiss_version {fix}",
    ),
    "tiss.version_refused": (
        "A operadora recusou a versão TISS {sent} do perfil (VersaoInvalida) sem dizer qual "
        "fala; deve ser a {fix}. Mude a versão do perfil: frontdesk profiles set {profile} "
        "tiss_version {fix}",
        "The operator refused the profile's TISS version {sent} (VersaoInvalida) without "
        "saying which it speaks; it should be {fix}. Change the profile's version: "
        "frontdesk profiles set {profile} tiss_version {fix}",
    ),
    "tiss.fault.HashInvalido": (
        "A operadora calculou outro hash para a mensagem; algo a alterou no caminho (proxy?).",
        "The operator computed another hash for the message; something changed it on the "
        "way (a proxy?).",
    ),
    "tiss.fault.SchemaInvalido": (
        "A operadora considerou a mensagem fora do padrão; confira o endereço da operação.",
        "The operator found the message off the standard; check the operation's address.",
    ),
    "tiss.fault.ErroInesperadoServidor": (
        "Erro interno da operadora; tente de novo mais tarde.",
        "The operator's server failed; try again later.",
    ),
    "tiss.fault.LoginInvalido": (
        "Login ou senha recusados.",
        "Login or password refused.",
    ),
    "tiss.invalid_reply": (
        "A resposta da operadora não pôde ser aceita ({reason}): {detail}",
        "The operator's answer could not be accepted ({reason}): {detail}",
    ),
    "tiss.unsafe_reply": (
        "A resposta da operadora foi recusada sem ser lida: {detail}",
        "The operator's answer was refused unread: {detail}",
    ),
    "tiss.outcome_unknown": (
        "A resposta da operadora se perdeu e a consulta de status não a encontrou: {detail}",
        "The operator's answer was lost and the status query did not find it: {detail}",
    ),
    # --- profiles and passwords ---------------------------------------------------------------
    "tiss.config.no_profile": (
        'o perfil "{name}" não existe (perfis TISS: {known}). Crie um [profiles.{name}] com '
        'kind = "tiss" (veja docs/setup.md).',
        'there is no profile "{name}" (TISS profiles: {known}). Add a [profiles.{name}] with '
        'kind = "tiss" (see docs/setup.md).',
    ),
    "tiss.config.none": ("nenhum", "none"),
    "tiss.config.not_tiss": (
        'não é um perfil TISS: falta kind = "tiss".',
        'not a TISS profile: kind = "tiss" is missing.',
    ),
    "tiss.config.unknown_key": (
        "chave desconhecida num perfil TISS (as válidas: {known}).",
        "unknown key in a TISS profile (valid: {known}).",
    ),
    "tiss.config.secret": (
        "a senha não pode ficar neste arquivo. Apague esta linha e guarde a senha com "
        "`frontdesk tiss login --profile {name}` (chaveiro ou arquivo de chave), ou use a "
        "variável FRONTDESK_TISS_PASSWORD.",
        "the password must not be in this file. Delete this line and store it with "
        "`frontdesk tiss login --profile {name}` (keyring or key file), or use the "
        "FRONTDESK_TISS_PASSWORD variable.",
    ),
    "tiss.config.missing": ("falta a chave {key}.", "the key {key} is missing."),
    "tiss.config.two_digits": (
        'deve ter 2 dígitos entre aspas, como o TISS codifica (ex.: "06" CRM, "41" Paraná).',
        'must be 2 digits in quotes, as TISS codes it (e.g. "06" CRM, "41" Paraná).',
    ),
    "tiss.config.cbo": (
        'deve ser o CBO-S de 6 dígitos entre aspas (ex.: "225125").',
        'must be the 6-digit CBO-S in quotes (e.g. "225125").',
    ),
    "tiss.config.code_chars": (
        'deve ser "digits" (códigos só de números) ou "letters" (letras e números).',
        'must be "digits" (codes of digits only) or "letters" (letters and digits).',
    ),
    "tiss.config.phones": (
        'deve ser uma lista de telefones entre aspas, ex.: ["0800 123 4567"].',
        'must be a list of quoted phone numbers, e.g. ["0800 123 4567"].',
    ),
    "tiss.config.sequence_database": (
        "deve ser a URL de um banco PostgreSQL, ex.: "
        '"postgresql://frontdesk@banco.clinica.local/frontdesk".',
        'must be a PostgreSQL URL, e.g. "postgresql://frontdesk@db.clinic.local/frontdesk".',
    ),
    "tiss.config.sequence_password": (
        "não pode trazer senha: ponha-a em PGPASSWORD ou em ~/.pgpass deste computador.",
        "must not carry a password: put it in PGPASSWORD or this machine's ~/.pgpass.",
    ),
    "tiss.config.portal": (
        "deve ser o endereço do portal, começando com https://.",
        "must be the portal's address, starting with https://.",
    ),
    "tiss.config.minutes": ("deve ser de 1 a 120 minutos.", "must be 1 to 120 minutes."),
    "tiss.config.text": ("deve ser um texto entre aspas.", "must be a quoted string."),
    "tiss.config.number": ("deve ser um número.", "must be a number."),
    "tiss.config.version": (
        "o frontdesk não conhece a versão TISS {version}; use uma destas: {known}.",
        "frontdesk does not know TISS version {version}; use one of: {known}.",
    ),
    "tiss.config.integer": ("deve ser um número inteiro.", "must be a whole number."),
    # --- the CNPJ (core/cnpj.py), wherever one is typed or read --------------------------------
    "tiss.cnpj.length": (
        'O CNPJ "{cnpj}" deve ter 14 letras ou dígitos (12, depois 2 dígitos verificadores), '
        "com ou sem pontuação, como 12.ABC.345/01DE-35.",
        'The CNPJ "{cnpj}" must have 14 letters or digits (12, then 2 check digits), with or '
        "without punctuation, like 12.ABC.345/01DE-35.",
    ),
    "tiss.cnpj.characters": (
        'O CNPJ "{cnpj}" só pode ter letras de A a Z e dígitos (e a pontuação . / -).',
        'The CNPJ "{cnpj}" may only hold letters A to Z and digits (and the punctuation . / -).',
    ),
    "tiss.cnpj.check_letters": (
        'O CNPJ "{cnpj}" termina com letras: os 2 últimos são os dígitos verificadores, '
        "sempre números.",
        'The CNPJ "{cnpj}" ends in letters: the last 2 are its check digits, always numbers.',
    ),
    "tiss.cnpj.check_digits": (
        "Os dígitos verificadores do CNPJ {cnpj} não conferem: confira o número no cartão CNPJ "
        "da clínica.",
        "The check digits of CNPJ {cnpj} do not match: check the number on the clinic's CNPJ card.",
    ),
    "tiss.cnpj.version_message": (
        "A versão {version} do TISS não aceita CNPJ com letras; só a {needed} o leva.",
        "TISS {version} cannot carry a CNPJ with letters; {needed} can.",
    ),
    "tiss.cnpj.profile": ("NOME", "NAME"),
    "tiss.cnpj.version": (
        "A versão {version} do TISS não aceita CNPJ com letras; use {needed} "
        "(frontdesk profiles set {profile} tiss_version {needed}).",
        "TISS {version} cannot carry a CNPJ with letters; use {needed} "
        "(frontdesk profiles set {profile} tiss_version {needed}).",
    ),
    "tiss.password_missing": (
        'nenhuma senha TISS para o perfil "{profile}": {problem} Guarde-a com: frontdesk tiss '
        "login --profile {profile} [--key-file], ou use a variável FRONTDESK_TISS_PASSWORD.",
        'no TISS password for profile "{profile}": {problem} Store it with: frontdesk tiss '
        "login --profile {profile} [--key-file], or use the FRONTDESK_TISS_PASSWORD variable.",
    ),
    "tiss.password_not_stored": (
        "nenhuma foi guardada no chaveiro nem em arquivo de chave.",
        "none was stored in the keyring or a key file.",
    ),
    "tiss.login.prompt": (
        "Senha TISS do perfil {profile} (não aparece ao digitar): ",
        "TISS password of profile {profile} (not shown as you type): ",
    ),
    "tiss.login.empty": (
        "Nenhuma senha digitada; nada foi guardado.",
        "No password typed; nothing stored.",
    ),
    "tiss.login.stored_file": (
        "Senha guardada em {p} (modo 0600).",
        "Password stored in {p} (mode 0600).",
    ),
    "tiss.login.stored_keyring": (
        "Senha guardada no chaveiro do sistema ({b}).",
        "Password stored in the system keyring ({b}).",
    ),
    "tiss.login.ask_key_file": (
        "Guardar a senha no arquivo {p} (modo 0600: só o seu usuário lê)? [s/N] ",
        "Store the password in the file {p} (mode 0600: only your user can read it)? [y/N] ",
    ),
    "tiss.login.not_stored": (
        "Senha não guardada. Sem chaveiro, a alternativa é definir {env} no ambiente antes "
        "de abrir o frontdesk (ou rodar login --key-file).",
        "Password not stored. Without a keyring, the alternative is to set {env} in the "
        "environment before starting frontdesk (or run login --key-file).",
    ),
    # --- frontdesk serve --tiss-versions ------------------------------------------------------
    "tiss.serve.unknown_version": (
        "frontdesk serve: --tiss-versions: o frontdesk não conhece a versão TISS {version}; "
        "use uma ou mais de {known}, separadas por vírgula.",
        "frontdesk serve: --tiss-versions: frontdesk does not know TISS version {version}; "
        "use one or more of {known}, separated by commas.",
    ),
    "tiss.serve.no_version": (
        "frontdesk serve: --tiss-versions: informe ao menos uma versão TISS ({known}).",
        "frontdesk serve: --tiss-versions: give at least one TISS version ({known}).",
    ),
}
