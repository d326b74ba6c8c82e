"""Texts of the counter on a TISS operator (`frontdesk.counter` and the app's TISS screens).

Brazilian Portuguese first, English second; read through `frontdesk.core.i18n.t` (prefix
"counter"). Glosa descriptions are not here: they are TUSS table 38's, from the schemas.
"""

from __future__ import annotations

from typing import Final

# key -> (pt-BR, en)
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # --- errors a receptionist can act on ------------------------------------------------------
    "counter.err.operator_unavailable": (
        "{operator} não respondeu (web services TISS fora do ar ou sem rede). F5: tentar de "
        "novo; nada do que foi digitado se perde.",
        "{operator} did not answer (TISS web services down, or no network). F5: try again; "
        "nothing typed is lost.",
    ),
    "counter.err.operator_timeout": (
        "{operator} demorou demais para responder. F5: tentar de novo (a mesma solicitação, "
        "sem duplicar); nada do que foi digitado se perde.",
        "{operator} took too long to answer. F5: try again (the same request, never twice); "
        "nothing typed is lost.",
    ),
    "counter.err.login": (
        "{operator} recusou o login do consultório (LoginInvalido). Chame o técnico: "
        "frontdesk tiss login --profile {profile}",
        "{operator} refused the clinic's login (LoginInvalido). Call the technician: "
        "frontdesk tiss login --profile {profile}",
    ),
    "counter.err.message": (
        "{operator} recusou a mensagem: é um defeito do frontdesk ou da configuração. "
        "Informe ao suporte: {report}",
        "{operator} refused the message: a fault of frontdesk or of its setup. Tell support: "
        "{report}",
    ),
    "counter.err.report": (
        "TISS {what} · guia {guide} · sequencial {sequence}",
        "TISS {what} · guide {guide} · sequence {sequence}",
    ),
    "counter.err.code": (
        "A operadora recusou o código: {glosas}. Confira com o paciente e digite de novo.",
        "The operator refused the code: {glosas}. Check with the patient and type it again.",
    ),
    "counter.err.refused": (
        "A operadora recusou a guia: {glosas}.",
        "The operator refused the guide: {glosas}.",
    ),
    "counter.field.card": (
        "Confira o campo Carteira ({value}) no sistema da clínica.",
        "Check the Card field ({value}) in the clinic's system.",
    ),
    "counter.field.cbo": (
        "Confira o CBO do profissional no sistema da clínica (ou no perfil).",
        "Check the professional's CBO in the clinic's system (or the profile).",
    ),
    "counter.field.type": (
        "Confira o tipo da guia no sistema da clínica.",
        "Check the guide's type in the clinic's system.",
    ),
    "counter.no_send": (
        "Nesta operadora o paciente gera o código no aplicativo ou pelo SAC.",
        "With this operator the patient gets the code from the app or the SAC.",
    ),
    "counter.card_name": ("Carteira {card}", "Card {card}"),
    # --- the code -----------------------------------------------------------------------------
    "counter.code.digits": ("Somente números.", "Digits only."),
    "counter.code.chars": (
        "Somente letras e números, sem espaços.",
        "Letters and digits only, no spaces.",
    ),
    "counter.code.length": (
        "O código desta operadora tem {length} caracteres.",
        "This operator's code has {length} characters.",
    ),
    "counter.code.too_long": ("No máximo 10 caracteres.", "At most 10 characters."),
    # --- the import ---------------------------------------------------------------------------
    "counter.import.folder": (
        "a pasta de entrada não pode ser lida ({reason}).",
        "the import folder cannot be read ({reason}).",
    ),
    "counter.import.too_big": (
        "arquivo grande demais (mais de {limit} KiB).",
        "file too large (over {limit} KiB).",
    ),
    "counter.import.unreadable": (
        "o arquivo não pode ser lido ({reason}).",
        "the file cannot be read ({reason}).",
    ),
    "counter.import.no_code.honorarios": (
        "guia {guide} (honorários): o TISS não tem campo para o código de validação nesta "
        "guia; ela não precisa de token e fica fora da fila.",
        "guide {guide} (honorários): TISS has no field for the validation code in this "
        "guide; it needs no token and stays out of the queue.",
    ),
    "counter.import.no_code.internacao": (
        "guia {guide} (resumo de internação): o TISS não tem campo para o código de "
        "validação nesta guia; ela fica fora da fila.",
        "guide {guide} (hospital stay summary): TISS has no field for the validation code "
        "in this guide; it stays out of the queue.",
    ),
    "counter.import.twice": (
        "o mesmo número já veio em {file}.",
        "the same number came already in {file}.",
    ),
    "counter.import.file_problem": ("o arquivo: {problem}", "the file: {problem}"),
    # --- the write-back -----------------------------------------------------------------------
    "counter.write.no_proof": (
        "não há código nem motivo para gravar.",
        "there is no code or reason to write.",
    ),
    "counter.write.no_field.honorarios": (
        "a guia de honorários não tem campo para o código de validação (o esquema TISS não "
        "o prevê): nada foi gravado nela.",
        "a honorários guide has no field for the validation code (the TISS schema has "
        "none): nothing was written into it.",
    ),
    "counter.write.no_field.internacao": (
        "o resumo de internação não tem campo para o código de validação: nada foi gravado.",
        "a hospital stay summary has no field for the validation code: nothing was written.",
    ),
    # --- a guide started by hand --------------------------------------------------------------
    "counter.manual.full": (
        "Limite de guias do dia atingido.",
        "The day's limit of guides is reached.",
    ),
    "counter.manual.profile_missing": (
        "O perfil não tem os dados fixos da clínica para este tipo de guia ({keys}). "
        "Chame o técnico (F10 mostra o perfil).",
        "The profile lacks the clinic's fixed data for this kind of guide ({keys}). Call "
        "the technician (F10 shows the profile).",
    ),
    "counter.manual.card": (
        "Carteira: de 8 a 20 dígitos.",
        "Card: 8 to 20 digits.",
    ),
    "counter.manual.code": (
        "Código TUSS: 8 dígitos (tabela 22).",
        "TUSS code: 8 digits (table 22).",
    ),
    "counter.manual.quantity": ("Quantidade: de 1 a 99.", "Quantity: 1 to 99."),
    "counter.manual.description_default": ("Procedimento {code}", "Procedure {code}"),
    "counter.manual.value": (
        "Valor: um número maior que zero (ex.: 80,00).",
        "Value: a number above zero (e.g. 80.00).",
    ),
    "counter.manual.tooth": (
        "Dente: dois dígitos, como 16 ou 41.",
        "Tooth: two digits, like 16 or 41.",
    ),
}
