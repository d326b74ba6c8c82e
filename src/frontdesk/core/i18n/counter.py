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
        "{operator} não respondeu (web services TISS fora do ar ou sem rede); nada do que foi "
        "digitado se perde.",
        "{operator} did not answer (TISS web services down, or no network); nothing typed is lost.",
    ),
    "counter.err.schema_check": (
        "O frontdesk não conseguiu conferir a mensagem com os esquemas TISS neste computador "
        "({reason}); nada foi enviado à {operator}. Tente de novo; se continuar, feche e abra "
        "o frontdesk.",
        "frontdesk could not check the message against the TISS schemas on this computer "
        "({reason}); nothing was sent to {operator}. Try again; if it goes on, close and "
        "reopen frontdesk.",
    ),
    "counter.err.operator_timeout": (
        "{operator} demorou demais para responder (F5 repete a mesma solicitação, sem "
        "duplicar); nada do que foi digitado se perde.",
        "{operator} took too long to answer (F5 repeats the same request, never twice); "
        "nothing typed is lost.",
    ),
    "counter.err.login": (
        "{operator} recusou o login do consultório (LoginInvalido). Chame o técnico: "
        "frontdesk tiss login --profile {profile}",
        "{operator} refused the clinic's login (LoginInvalido). Call the technician: "
        "frontdesk tiss login --profile {profile}",
    ),
    "counter.err.version": (
        "{operator} fala TISS {answered}, e este perfil envia TISS {sent}. Chame o técnico: "
        "frontdesk profiles set {profile} tiss_version {fix}",
        "{operator} speaks TISS {answered}, and this profile sends TISS {sent}. Call the "
        "technician: frontdesk profiles set {profile} tiss_version {fix}",
    ),
    "counter.err.version_refused": (
        "{operator} recusou a versão TISS {sent} deste perfil (VersaoInvalida); deve falar a "
        "{fix}. Chame o técnico: frontdesk profiles set {profile} tiss_version {fix}",
        "{operator} refused this profile's TISS version {sent} (VersaoInvalida); it should "
        "speak {fix}. Call the technician: frontdesk profiles set {profile} tiss_version {fix}",
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
    "counter.cli.demo_alone": (
        "--tiss-demo não se combina com --url nem --profile.",
        "--tiss-demo does not go with --url or --profile.",
    ),
    "counter.cli.demo_failed": (
        "não foi possível escrever os arquivos ({reason}).",
        "cannot write the files ({reason}).",
    ),
    "counter.cli.demo_written": (
        "{n} arquivos de exportação TISS em {folder}: a pasta de entrada (import_folder) de "
        "um perfil TISS que aponta para frontdesk serve.",
        "{n} TISS export files in {folder}: the import folder (import_folder) of a TISS "
        "profile that points at frontdesk serve.",
    ),
    "counter.card_name": ("Carteira {card}", "Card {card}"),
    "counter.queue.learned_name": ("{name} *", "{name} *"),
    "counter.queue.col.learned": (
        "Beneficiário (* última resposta)",
        "Beneficiary (* last answer)",
    ),
    "counter.learned_name": (
        "{name} (nome da última resposta da operadora)",
        "{name} (name from the operator's last answer)",
    ),
    "counter.lookup.hint": (
        "Número da guia, ou a carteirinha (digitada ou lida), depois Enter.",
        "The guide's number, or the card (typed or scanned), then Enter.",
    ),
    "counter.guide.next": (
        "Próximo passo: E mostra como o paciente obtém o código; C para digitá-lo.",
        "Next: E shows how the patient gets the code; C to type it.",
    ),
    "counter.guide.answered": (
        "R mostra a resposta da operadora (senha, glosas, consulta).",
        "R shows the operator's answer (number, glosas, status check).",
    ),
    "counter.key.result": ("Resposta", "Answer"),
    "counter.key.result.tip": (
        "A resposta da operadora para esta guia",
        "The operator's answer for this guide",
    ),
    "counter.top_bar": ("{label} · TISS", "{label} · TISS"),
    # --- the code -----------------------------------------------------------------------------
    "counter.code.digits": ("Somente números.", "Digits only."),
    "counter.code.chars": (
        "Somente letras e números, sem espaços.",
        "Letters and digits only, no spaces.",
    ),
    "counter.code.length": (
        "O código desta operadora tem {length} dígitos.",
        "This operator's code has {length} digits.",
    ),
    "counter.code.length_letters": (
        "O código desta operadora tem {length} letras e números.",
        "This operator's code has {length} letters and digits.",
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
    "counter.import.unchecked": (
        "o arquivo não pôde ser conferido com os esquemas TISS ({reason}); ele será lido de "
        "novo na próxima atualização da fila.",
        "the file could not be checked against the TISS schemas ({reason}); it is read again "
        "when the queue is next refreshed.",
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
    "counter.import.version": (
        "o arquivo está no TISS {version}, que este balcão não lê (lê {known}): exporte-o "
        "numa dessas versões no sistema da clínica.",
        "the file is in TISS {version}, which this desk does not read (it reads {known}): "
        "export it in one of those versions from the clinic's system.",
    ),
    # --- the write-back -----------------------------------------------------------------------
    "counter.write.unchecked": (
        "a resposta não foi gravada: não foi possível conferi-la com os esquemas TISS ({reason}).",
        "the answer was not written: it could not be checked against the TISS schemas ({reason}).",
    ),
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
    "counter.manual.chars": (
        "{field}: a TISS não aceita {chars}. Apague ou troque por letras e sinais comuns.",
        "{field}: TISS cannot carry {chars}. Delete it or use plain letters and signs.",
    ),
    "counter.manual.refused": (
        "{field}: valor que a guia TISS não aceita. Confira o que foi digitado.",
        "{field}: a value a TISS guide cannot carry. Check what was typed.",
    ),
    "counter.manual.profile_refused": (
        "Um dado fixo da clínica no perfil ({key}) não cabe numa guia TISS. Chame o técnico "
        "(F10 mostra o perfil).",
        "A fixed datum of the clinic in the profile ({key}) does not fit a TISS guide. Call "
        "the technician (F10 shows the profile).",
    ),
    "counter.manual.tooth": (
        "Dente: dois dígitos, como 16 ou 41.",
        "Tooth: two digits, like 16 or 41.",
    ),
    # --- keys ---------------------------------------------------------------------------------
    "counter.key.new": ("Nova guia", "New guide"),
    "counter.key.new.tip": (
        "Inicia uma guia SP/SADT ou odontológica pela carteira",
        "Starts an SP/SADT or dental guide from the card",
    ),
    "counter.key.next_field": ("Próximo campo", "Next field"),
    "counter.key.next_field.tip": (
        "Vai ao próximo campo da guia",
        "Goes to the guide's next field",
    ),
    "counter.key.previous_field": ("Campo anterior", "Previous field"),
    "counter.key.previous_field.tip": (
        "Volta ao campo anterior da guia",
        "Goes back to the guide's previous field",
    ),
    "counter.key.kind": ("Escolher o tipo", "Choose the kind"),
    "counter.key.kind.tip": (
        "Escolhe SP/SADT ou odonto e vai à carteira",
        "Chooses SP/SADT or dental and goes to the card",
    ),
    "counter.key.new_save.tip": (
        "Grava a guia na fila e a abre",
        "Saves the guide into the queue and opens it",
    ),
    "counter.key.import": ("Importação", "Import"),
    "counter.key.import.tip": (
        "O que a importação dos arquivos do sistema da clínica encontrou",
        "What the import of the clinic system's files found",
    ),
    "counter.key.status": ("Consultar", "Check"),
    "counter.key.status.tip": (
        "Pergunta à operadora, agora, como está a guia em análise",
        "Asks the operator now how the guide under review stands",
    ),
    # --- the lookup ---------------------------------------------------------------------------
    "counter.lookup.no_guides": (
        "Nenhuma guia desta carteira ({card}) na fila. F4 inicia uma guia.",
        "No guide of this card ({card}) in the queue. F4 starts one.",
    ),
    "counter.lookup.left_out": (
        "{n} com problema na importação (F8)",
        "{n} left out by the import (F8)",
    ),
    # --- how the patient gets the code ----------------------------------------------------
    "counter.token.question": (
        "{operator}: o paciente gera o código; o balcão não envia.",
        "{operator}: the patient gets the code; the counter sends nothing.",
    ),
    "counter.token.app": (
        "No aplicativo “{app}”: tocar em “Gerar token” e ler o código ({size}).",
        "In the app “{app}”: tap “Gerar token” and read out the code ({size}).",
    ),
    "counter.token.app_unnamed": ("da operadora", "the operator's"),
    "counter.token.size": ("{n} dígitos", "{n} digits"),
    "counter.token.size_letters": ("{n} letras e números", "{n} letters and digits"),
    "counter.token.size_any": ("até 10 caracteres", "up to 10 characters"),
    "counter.token.sac": (
        "Sem o aplicativo: ligar para o SAC ({phones}); o atendente dita o código.",
        "Without the app: call the SAC ({phones}); the agent dictates the code.",
    ),
    "counter.token.portal": (
        "Por SMS: a operadora envia pelo portal {portal} (o paciente pede lá).",
        "By SMS: the operator sends it from its portal {portal} (the patient asks there).",
    ),
    "counter.token.then": (
        "Enter: digitar o código · Esc: voltar",
        "Enter: type the code · Esc: back",
    ),
    "counter.code.field_any": ("Código (até 10 caracteres)", "Code (up to 10 characters)"),
    "counter.code.field_letters": (
        "Código ({n} letras e números)",
        "Code ({n} letters and digits)",
    ),
    "counter.code.type": (
        "Digite o código que o paciente lê",
        "Type the code the patient reads out",
    ),
    # --- the outcome ----------------------------------------------------------------------
    "counter.result.operator_number": (
        "Nº da guia na operadora: {number}",
        "Operator's guide number: {number}",
    ),
    "counter.result.eligibility": (
        "Código aceito pela operadora (elegibilidade): a guia de consulta não tem senha.",
        "Code accepted by the operator (eligibility): a consultation guide has no "
        "authorization number.",
    ),
    "counter.result.review": (
        "A operadora vai analisar; a senha vem quando ela concluir.",
        "The operator will review it; the authorization comes when it is done.",
    ),
    "counter.result.card_only": (
        "Só a carteira: nada a devolver ao sistema da clínica.",
        "Only the card: nothing to write back for the clinic's system.",
    ),
    "counter.result.written": (
        "Devolvido ao sistema da clínica: {file}",
        "Written back for the clinic's system: {file}",
    ),
    "counter.result.not_exported": (
        "Guia iniciada no balcão: registre a senha no sistema da clínica.",
        "Guide started at the counter: record the number in the clinic's system.",
    ),
    "counter.result.write_failed": (
        "Não foi devolvido ao sistema da clínica: {problem} Anote a senha.",
        "Not written back for the clinic's system: {problem} Write the number down.",
    ),
    "counter.result.next_check": (
        "Próxima consulta à operadora às {time} · V: consultar agora · Enter: próximo paciente",
        "Next check with the operator at {time} · V: check now · Enter: next patient",
    ),
    "counter.result.still_review": (
        "Ainda em análise (consultado às {checked}); próxima consulta às {time} · "
        "V: consultar agora · Enter: próximo paciente",
        "Still under review (checked at {checked}); next check at {time} · V: check now · "
        "Enter: next patient",
    ),
    "counter.result.next": ("Enter: próximo paciente", "Enter: next patient"),
    "counter.result.checking": ("Consultando a operadora…", "Asking the operator…"),
    "counter.result.check_failed": (
        "A consulta não foi possível agora; será tentada de novo. V: consultar agora",
        "The check was not possible now; it will be tried again. V: check now",
    ),
    # --- F8: the import's report ----------------------------------------------------------
    "counter.import.title": ("Importação do sistema da clínica", "Import from the clinic's system"),
    "counter.import.loading": ("Lendo a pasta…", "Reading the folder…"),
    "counter.import.folder_line": ("Pasta: {folder}", "Folder: {folder}"),
    "counter.import.no_folder": (
        "nenhuma (o perfil não tem import_folder; F10)",
        "none (the profile has no import_folder; F10)",
    ),
    "counter.import.file": (
        "{file} (lote {lote}, TISS {version}): {n} guia(s) na fila",
        "{file} (lot {lote}, TISS {version}): {n} guide(s) in the queue",
    ),
    "counter.import.rejected": ("  ✗ guia {guide}, fora da fila:", "  ✗ guide {guide}, left out:"),
    "counter.import.none": ("Nenhum arquivo .xml na pasta.", "No .xml file in the folder."),
    # --- the schemas' complaints about an export (F8), in words -----------------------------
    "counter.schema.digits": ("dígitos", "digits"),
    "counter.schema.chars": ("caracteres", "characters"),
    "counter.schema.max_length": ("{n} {unit}, o máximo é {limit}", "{n} {unit}, at most {limit}"),
    "counter.schema.min_length": ("{n} {unit}, o mínimo é {limit}", "{n} {unit}, at least {limit}"),
    "counter.schema.exact_length": (
        "{n} {unit}, deve ter exatamente {limit}",
        "{n} {unit}, must have exactly {limit}",
    ),
    "counter.schema.empty": ("vazio; preencha o campo", "empty; fill it in"),
    "counter.schema.pattern": (
        "'{value}' não está no formato do campo ({pattern})",
        "'{value}' is not in the field's format ({pattern})",
    ),
    "counter.schema.enumeration": (
        "'{value}' não é um dos valores aceitos ({values})",
        "'{value}' is not one of the accepted values ({values})",
    ),
    "counter.schema.total_digits": (
        "'{value}' tem dígitos demais, o máximo é {limit}",
        "'{value}' has too many digits, at most {limit}",
    ),
    "counter.schema.fraction_digits": (
        "'{value}' tem casas decimais demais, o máximo é {limit}",
        "'{value}' has too many decimal places, at most {limit}",
    ),
    "counter.schema.above": (
        "'{value}' passa do máximo, {limit}",
        "'{value}' is above the maximum, {limit}",
    ),
    "counter.schema.below": (
        "'{value}' fica abaixo do mínimo, {limit}",
        "'{value}' is below the minimum, {limit}",
    ),
    "counter.schema.not_date": (
        "'{value}' não é uma data (use AAAA-MM-DD)",
        "'{value}' is not a date (use YYYY-MM-DD)",
    ),
    "counter.schema.not_amount": (
        "'{value}' não é um valor (use 80.00)",
        "'{value}' is not an amount (use 80.00)",
    ),
    "counter.schema.not_number": (
        "'{value}' não é um número inteiro",
        "'{value}' is not a whole number",
    ),
    "counter.schema.bad_value": (
        "'{value}' não é um valor aceito neste campo",
        "'{value}' is not a value this field accepts",
    ),
    "counter.schema.unexpected": (
        "campo fora do lugar ou a mais",
        "a field out of place or one too many",
    ),
    "counter.schema.unexpected_instead": (
        "campo fora do lugar ou a mais; aqui deveria vir {expected}",
        "a field out of place or one too many; {expected} should come here",
    ),
    "counter.schema.missing": ("falta o campo {expected}", "the field {expected} is missing"),
    "counter.schema.other": (
        "não segue o padrão TISS ({message})",
        "does not follow the TISS standard ({message})",
    ),
    "counter.schema.at_line": ("{text} (linha {line}).", "{text} (line {line})."),
    # --- F4: a guide by hand --------------------------------------------------------------
    "counter.new.title": ("Nova guia (pela carteira)", "New guide (from the card)"),
    "counter.new.card": ("Carteira", "Card"),
    "counter.new.code": ("Procedimento (TUSS)", "Procedure (TUSS)"),
    "counter.new.description": ("Descrição", "Description"),
    "counter.new.quantity": ("Quantidade", "Quantity"),
    "counter.new.value": ("Valor unitário", "Unit value"),
    "counter.new.tooth": ("Dente (opcional)", "Tooth (optional)"),
    "counter.new.plan": ("Plano (opcional)", "Plan (optional)"),
    "counter.new.indication": ("Indicação (opcional)", "Indication (optional)"),
    "counter.new.hint": (
        "Código TUSS e Enter: tipo, descrição e valor vêm do código. Tab campos · ↑↓ tipo. "
        "Dados fixos da clínica: do perfil.",
        "TUSS code and Enter: kind, description and value come from the code. Tab fields · ↑↓ "
        "kind. The clinic's fixed data: from the profile.",
    ),
    # --- F10 on a TISS profile ------------------------------------------------------------
    "counter.key.language": ("Idioma e tema", "Language and theme"),
    "counter.settings.question": (
        "Perfil TISS {profile}: pastas e dados fixos da clínica",
        "TISS profile {profile}: folders and the clinic's fixed data",
    ),
    "counter.settings.hint": (
        "Tab campos · Enter grava no perfil (comentários mantidos) · F10 idioma e tema",
        "Tab fields · Enter saves into the profile (comments kept) · F10 language and theme",
    ),
    "counter.settings.import_folder": ("Pasta de entrada", "Import folder"),
    "counter.settings.export_folder": ("Pasta de retorno", "Write-back folder"),
    "counter.settings.clinic_name": ("Nome da clínica", "Clinic's name"),
    "counter.settings.professional_name": ("Profissional", "Professional"),
    "counter.settings.professional_council": ("Conselho (06 CRM)", "Council (06 CRM)"),
    "counter.settings.professional_number": ("Nº no conselho", "Council number"),
    "counter.settings.professional_uf": ("UF (41 PR)", "UF (41 PR)"),
    "counter.settings.professional_cbo": ("CBO-S", "CBO-S"),
    "counter.settings.dentist_code": ("Dentista: código", "Dentist: code"),
    "counter.settings.dentist_cro": ("Dentista: CRO", "Dentist: CRO"),
    "counter.settings.dentist_uf": ("Dentista: UF", "Dentist: UF"),
    "counter.settings.dentist_cbo": ("Dentista: CBO-S", "Dentist: CBO-S"),
    "counter.result.glosas": ("Glosas da operadora:", "The operator's glosas:"),
}
