"""The desk's texts (the Textual app), Brazilian Portuguese first and English second.

Read through `frontdesk.core.i18n.t`; see that module for how catalogs are chosen.
Over 400 lines because it is data, one entry per text: split by screen, a key would be
harder to find, not easier (tests/core/test_i18n.py checks every entry).
"""

from __future__ import annotations

from typing import Final

# key -> (pt-BR, en)
CATALOG: Final[dict[str, tuple[str, str]]] = {
    # --- the frame: title bar, banner, footer-wide keys -------------------------------
    "app.title": ("Frontdesk", "Frontdesk"),
    "app.local_mode": ("MODO DEMONSTRAÇÃO LOCAL", "LOCAL DEMONSTRATION MODE"),
    "app.local_mode_short": ("DEMO", "DEMO"),
    "app.local_hint": ("F2 simulador", "F2 simulator"),
    "app.connecting": ("Conectando…", "Connecting…"),
    "app.offline": ("SEM CONEXÃO", "OFFLINE"),
    "app.online": ("ok", "ok"),
    "app.connection": ("{profile} · {health}", "{profile} · {health}"),
    "app.profile_operator": ("{profile} ({operator})", "{profile} ({operator})"),
    "app.insecure": ("INSEGURO (http)", "INSECURE (http)"),
    "app.unknown_theme": (
        'O tema "{name}" da configuração não existe; ficou o tema padrão. Temas: {themes}.',
        'The theme "{name}" in the configuration does not exist; the default is in use. '
        "Themes: {themes}.",
    ),
    "app.audit_unwritable": (
        "O registro de auditoria não pôde ser gravado em {path} ({reason}). Avise o suporte; "
        "o atendimento continua.",
        "The audit log could not be written to {path} ({reason}). Tell support; the desk "
        "keeps working.",
    ),
    "app.unexpected": (
        "Algo deu errado no programa. Voltamos à busca; nada foi perdido na operadora.",
        "Something went wrong in the program. Back to the lookup; nothing was lost on the "
        "operator's side.",
    ),
    "app.stopped": (
        "O programa parou por um erro inesperado. Abra-o de novo; nada foi perdido na operadora.",
        "The program stopped on an unexpected error. Open it again; nothing was lost on the "
        "operator's side.",
    ),
    "app.copied": ("Senha {number} copiada.", "Authorization {number} copied."),
    "app.quit_title": ("Sair do programa?", "Quit the program?"),
    "app.quit_hint": ("Para sair, tecle Ctrl+Q.", "To quit, press Ctrl+Q."),
    "palette.placeholder": ("Buscar um comando…", "Search for a command…"),
    "palette.themes": ("Buscar um tema…", "Search for a theme…"),
    "palette.no_matches": ("Nada encontrado", "Nothing found"),
    "key.help": ("Ajuda", "Help"),
    "key.help.tip": ("Teclas e passo a passo desta tela", "Keys and steps for this screen"),
    "key.simulator": ("Simulador", "Simulator"),
    "key.simulator.tip": (
        "Mostra o celular, o e-mail e o aplicativo do paciente (modo local)",
        "Shows the patient's phone, e-mail and app (local mode)",
    ),
    "key.sim_sac": ("SAC dita código", "SAC gives code"),
    "key.sim_sac.short": ("SAC", "SAC"),
    "key.sim_sac.tip": (
        "Simula a ligação do paciente para o SAC, que dita um código",
        "Simulates the patient calling the SAC, which reads out a code",
    ),
    "key.sim_clock": ("Relógio +30 min", "Clock +30 min"),
    "key.sim_clock.short": ("+30 min", "+30 min"),
    "key.sim_clock.tip": (
        "Adianta o relógio do simulador em 30 minutos (para ver um código expirar)",
        "Moves the simulator's clock 30 minutes forward (to see a code expire)",
    ),
    "key.refresh": ("Atualizar", "Refresh"),
    "key.refresh.tip": (
        "Tenta de novo o que falhou, ou recarrega esta tela",
        "Retries what failed, or reloads this screen",
    ),
    "key.back": ("Voltar", "Back"),
    "key.back.tip": ("Volta para a tela anterior", "Goes back to the previous screen"),
    "key.cancel": ("Cancelar", "Cancel"),
    "key.cancel.tip": ("Fecha sem fazer nada", "Closes without doing anything"),
    "key.quit": ("Sair", "Quit"),
    "key.theme": ("Tema", "Theme"),
    "key.theme.tip": ("Troca as cores do programa", "Changes the program's colours"),
    "key.quit.tip": ("Fecha o programa", "Closes the program"),
    "key.profiles": ("Perfis", "Profiles"),
    "key.profiles.tip": (
        "Troca a operadora (perfil de conexão) e volta à busca",
        "Switches the operator (connection profile) and goes back to the lookup",
    ),
    "key.settings": ("Configurações", "Settings"),
    "key.settings.tip": (
        "Idioma e tema, salvos no arquivo de configuração",
        "Language and theme, saved in the configuration file",
    ),
    # --- connection banner -----------------------------------------------------------
    "banner.unavailable": (
        "Sem conexão com a operadora. Nada do que foi digitado se perdeu.",
        "No connection to the operator. Nothing you typed was lost.",
    ),
    "banner.timeout": (
        "A operadora não respondeu a tempo. Nada do que foi digitado se perdeu.",
        "The operator did not answer in time. Nothing you typed was lost.",
    ),
    "banner.server": (
        "A operadora teve um erro interno ({status}). Nada do que foi digitado se perdeu.",
        "The operator had an internal error ({status}). Nothing you typed was lost.",
    ),
    "banner.malformed": (
        "A operadora respondeu algo que o programa não entende.",
        "The operator answered something the program does not understand.",
    ),
    "banner.unauthorized": (
        "A operadora recusou a chave de acesso. Confira FRONTDESK_API_KEY com o suporte.",
        "The operator refused the access key. Check FRONTDESK_API_KEY with support.",
    ),
    "banner.request": (
        "A operadora recusou o pedido ({code}). Avise o suporte.",
        "The operator refused the request ({code}). Tell support.",
    ),
    "banner.bug": (
        "Erro inesperado no programa. Avise o suporte.",
        "Unexpected error in the program. Tell support.",
    ),
    "banner.retry": ("F5: tentar de novo", "F5: try again"),
    "banner.working": ("Tentando de novo…", "Trying again…"),
    # --- statuses, types, channels, token states (GLOSSARY) ---------------------------
    "status.awaiting_token": ("AGUARDANDO TOKEN", "AWAITING TOKEN"),
    "status.under_review": ("EM ANÁLISE", "UNDER REVIEW"),
    "status.authorized": ("AUTORIZADA", "AUTHORIZED"),
    "status.partially_authorized": ("AUTORIZADA PARCIALMENTE", "PARTIALLY AUTHORIZED"),
    "status.denied": ("NEGADA", "DENIED"),
    "status.cancelled": ("CANCELADA", "CANCELLED"),
    # narrow tables (the queue): no longer than AGUARDANDO TOKEN
    "status_short.partially_authorized": ("AUTORIZADA PARC.", "PARTIALLY AUTH."),
    "type.consulta": ("Consulta", "Consultation"),
    "type.sp_sadt": ("SP/SADT", "SP/SADT"),
    "type.odonto": ("Odonto (GTO)", "Dental (GTO)"),
    "channel.sms": ("SMS", "SMS"),
    "channel.email": ("E-mail", "E-mail"),
    "channel.app": ("Aplicativo", "App"),
    "channel.sac": ("SAC", "SAC"),
    "delivery.queued": ("na fila", "queued"),
    "delivery.sent": ("enviada", "sent"),
    "delivery.delivered": ("entregue", "delivered"),
    "delivery.failed": ("falhou", "failed"),
    "token.none": ("Nenhum código enviado.", "No code sent."),
    "token.pending.sms": (
        "Código enviado por SMS para {destination}",
        "Code sent by SMS to {destination}",
    ),
    "token.pending.email": (
        "Código enviado por e-mail para {destination}",
        "Code sent by e-mail to {destination}",
    ),
    "token.pending_sac": ("Código ditado pelo SAC", "Code read out by the SAC"),
    "token.expires": ("expira em {wait}", "expires in {wait}"),
    "token.attempts": ("{n} tentativas restantes", "{n} attempts left"),
    "token.attempt_one": ("1 tentativa restante", "1 attempt left"),
    "token.locked": (
        "Código bloqueado: muitas tentativas erradas.",
        "Code locked: too many wrong attempts.",
    ),
    "token.expired": ("O código expirou.", "The code expired."),
    "token.used": ("Código já usado.", "Code already used."),
    "token.cancelled": ("Código cancelado.", "Code cancelled."),
    "token.delivery": ("entrega: {delivery}", "delivery: {delivery}"),
    # --- absence reasons (TUSS table 74) ---------------------------------------------
    "reason.01": ("Beneficiário internado", "Beneficiary hospitalized"),
    "reason.02": ("Atendimento de urgência ou emergência", "Urgency or emergency care"),
    "reason.03": (
        "Indisponibilidade de sistemas (regularizado após o atendimento)",
        "Systems unavailable (regularized after the visit)",
    ),
    "reason.04": ("Beneficiário recusou-se a informar o token", "Beneficiary refused the token"),
    "reason.05": ("Coleta domiciliar", "Home collection"),
    "reason.06": (
        "Material enviado ao prestador por terceiros",
        "Material sent to the provider by a third party",
    ),
    "reason.07": ("Beneficiário não possui celular", "Beneficiary has no mobile phone"),
    # --- lookup ---------------------------------------------------------------------
    "lookup.title": ("Buscar guia", "Find a guide"),
    "lookup.field.guide": ("Número da guia", "Guide number"),
    "lookup.field.card": ("Número da carteirinha", "Card number"),
    "lookup.placeholder.guide": (
        "Digite ou leia o código de barras da guia",
        "Type or scan the guide's barcode",
    ),
    "lookup.placeholder.barcode": ("Digite ou leia o código de barras", "Type or scan the barcode"),
    "lookup.placeholder.short": ("Digite ou leia", "Type or scan"),
    "lookup.placeholder.card": ("Digite a carteirinha do paciente", "Type the patient's card"),
    "lookup.hint.guide": (
        "Número da guia: 13 dígitos, depois Enter. F3 busca por carteirinha.",
        "Guide number: 13 digits, then Enter. F3 searches by card.",
    ),
    "lookup.hint.card": (
        "Carteirinha: só os números, depois Enter. Esc volta à guia.",
        "Card: digits only, then Enter. Esc goes back to guide number.",
    ),
    "lookup.only_digits": ("Somente números", "Digits only"),
    "lookup.empty": ("Digite ou leia o número da guia", "Type or scan the guide number"),
    "lookup.missing": ("Faltam {n} dígitos", "{n} digits missing"),
    "lookup.missing_one": ("Falta 1 dígito", "1 digit missing"),
    "lookup.extra": (
        "Dígitos a mais: a guia tem {length} (sobram {n})",
        "Too many digits: a guide has {length} ({n} extra)",
    ),
    "lookup.ready": ("Enter abre a guia", "Enter opens the guide"),
    "lookup.card_ready": (
        "Enter busca as guias desta carteirinha",
        "Enter finds this card's guides",
    ),
    "lookup.card_letters": (
        "Carteirinha: só números. Para achar pelo nome, procure na fila.",
        "Card: digits only. To find a name, look in the queue.",
    ),
    "lookup.card_short": (
        "Carteirinha curta demais ({n} dígitos)",
        "Card number too short ({n} digits)",
    ),
    "lookup.searching": ("Buscando…", "Searching…"),
    "lookup.not_found": (
        "Guia {number} não encontrada. Confira o número.",
        "Guide {number} not found. Check the number.",
    ),
    "lookup.card_none": (
        "Nenhuma guia para a carteirinha {card}.",
        "No guides for card {card}.",
    ),
    "lookup.queue": ("Fila de atendimento ({n})", "Queue ({n})"),
    "lookup.queue_card": ("Guias da carteirinha {card} ({n})", "Guides for card {card} ({n})"),
    "lookup.queue_loading": ("Carregando a fila…", "Loading the queue…"),
    "lookup.queue_empty": ("Nenhuma guia na fila.", "No guides in the queue."),
    "lookup.queue_unavailable": (
        "Fila indisponível agora; o número da guia pode ser digitado.",
        "Queue unavailable now; the guide number can still be typed.",
    ),
    "lookup.col.status": ("Situação", "Status"),
    "lookup.col.number": ("Guia", "Guide"),
    "lookup.col.beneficiary": ("Beneficiário", "Beneficiary"),
    "lookup.col.type": ("Tipo", "Type"),
    "lookup.col.requested": ("Hora", "Time"),
    "key.open": ("Abrir guia", "Open guide"),
    "key.open.short": ("Abrir", "Open"),
    "key.open.tip": (
        "Abre a guia digitada, ou a guia marcada na fila",
        "Opens the typed guide, or the guide highlighted in the queue",
    ),
    "key.card": ("Carteirinha", "Card"),
    "key.card.tip": (
        "Alterna a busca entre número da guia e carteirinha",
        "Switches the search between guide number and card",
    ),
    "key.clear": ("Limpar", "Clear"),
    "key.clear.tip": ("Limpa o campo e volta à fila", "Clears the field and shows the queue"),
    "key.quit_hint": ("Como sair", "How to quit"),
    "key.quit_hint.tip": (
        "Ctrl+C não fecha o programa: diz que Ctrl+Q fecha",
        "Ctrl+C does not quit: it says Ctrl+Q does",
    ),
    "key.digit": ("Dígito", "Digit"),
    "key.digit.tip": (
        "Um dígito digitado fora do campo vai para o número da guia",
        "A digit typed away from the field goes into the guide number",
    ),
    "key.queue": ("Fila", "Queue"),
    "key.queue.tip": ("Vai para a fila de guias", "Moves to the guide queue"),
    # --- guide ----------------------------------------------------------------------
    "guide.title": ("Guia {number}", "Guide {number}"),
    "guide.beneficiary": ("Beneficiário", "Beneficiary"),
    "guide.civil_name": ("nome civil: {name}", "legal name: {name}"),
    "guide.card": ("Carteirinha", "Card"),
    "guide.plan": ("Plano", "Plan"),
    "guide.type": ("Tipo", "Type"),
    "guide.requested": ("Pedida em", "Requested"),
    "guide.provider": ("Prestador", "Provider"),
    "guide.operator_number": ("Nº na operadora", "Operator no."),
    "guide.procedures": ("Procedimentos", "Procedures"),
    "guide.col.code": ("Código TUSS", "TUSS code"),
    "guide.col.description": ("Descrição", "Description"),
    "guide.col.qty": ("Qtd", "Qty"),
    "guide.token": ("Token", "Token"),
    "guide.authorized": (
        "Senha {number}, válida até {date}.",
        "Authorization {number}, valid until {date}.",
    ),
    "guide.absence": ("Sem token, motivo {code}: {reason}", "No token, reason {code}: {reason}"),
    "guide.not_awaiting": (
        "Esta guia está {status}: não precisa de token.",
        "This guide is {status}: it needs no token.",
    ),
    "guide.next_send": (
        "Próximo passo: E envia o token ao paciente.",
        "Next step: E sends the token to the patient.",
    ),
    "guide.next_code": (
        "Próximo passo: C para digitar o código que o paciente recebeu.",
        "Next step: C to type the code the patient received.",
    ),
    "key.send": ("Enviar Token", "Send token"),
    "key.send.short": ("Enviar", "Send"),
    "key.send.tip": (
        "Envia um código ao paciente (SMS, e-mail) ou indica o aplicativo ou o SAC",
        "Sends the patient a code (SMS, e-mail) or points to the app or the SAC",
    ),
    "key.code": ("Digitar código", "Enter code"),
    "key.code.short": ("Código", "Code"),
    "key.code.tip": (
        "Digita o código que o paciente informa",
        "Type the code the patient reads out",
    ),
    "key.absence": ("Sem token", "No token"),
    "key.absence.tip": (
        "Libera sem código, com um motivo de ausência da TISS",
        "Releases without a code, with a TISS absence reason",
    ),
    "key.history": ("Histórico", "History"),
    "key.history.tip": (
        "Mostra o histórico do token desta guia",
        "Shows this guide's token history",
    ),
    # --- send token modal ------------------------------------------------------------
    "send.title": ("Enviar Token", "Send token"),
    "send.question": ("Para onde enviar o código?", "Where should the code go?"),
    "send.loading": ("Carregando os contatos…", "Loading the contacts…"),
    "send.option.sms": ("SMS para {label}", "SMS to {label}"),
    "send.option.email": ("E-mail para {label}", "E-mail to {label}"),
    "send.option.app": (
        "Aplicativo da operadora (o paciente gera o token)",
        "Operator's app (the patient generates the token)",
    ),
    "send.option.sac": (
        "SAC (o paciente liga e pede o código)",
        "SAC (the patient calls and asks for the code)",
    ),
    "send.option.typed_sms": ("SMS para outro celular (digitar)", "SMS to another phone (type it)"),
    "send.option.typed_email": (
        "E-mail para outro endereço (digitar)",
        "E-mail to another address (type it)",
    ),
    "send.last_used": ("último usado", "last used"),
    "send.no_contacts": (
        "Sem celular ou e-mail cadastrado: use {ways}.",
        "No registered phone or e-mail: use {ways}.",
    ),
    "send.ways": ("{first} ou {last}", "{first} or {last}"),
    "send.or_use": ("Ou use {ways}.", "Or use {ways}."),
    "send.way.app": ("o aplicativo", "the app"),
    "send.way.sac": ("o SAC", "the SAC"),
    "send.way.absence": ("Sem token (S na guia)", "No token (S on the guide)"),
    "send.typed.sms": ("Celular com DDD", "Mobile with area code"),
    "send.typed.email": ("E-mail do paciente", "Patient's e-mail"),
    "send.typed.sms_placeholder": ("(43) 99123-4567", "(43) 99123-4567"),
    "send.typed.email_placeholder": ("nome@exemplo.com", "name@example.com"),
    "send.typed.bad_sms": (
        "Celular inválido: DDD e 9 dígitos começando por 9, ex.: (43) 99123-4567",
        "Invalid mobile: area code and 9 digits starting with 9, e.g. (43) 99123-4567",
    ),
    "send.typed.bad_email": (
        "E-mail inválido: confira o @ e o domínio, ex.: nome@exemplo.com",
        "Invalid e-mail: check the @ and the domain, e.g. name@example.com",
    ),
    "send.typed.ok": ("Enter envia", "Enter sends"),
    "send.sending": ("Enviando para {destination}…", "Sending to {destination}…"),
    "send.sent": ("Código enviado para {destination}.", "Code sent to {destination}."),
    "send.app.steps": (
        "Peça ao paciente:\n"
        "  1. abrir o aplicativo da operadora no celular;\n"
        "  2. tocar em “Gerar token”;\n"
        "  3. ler o código para você.\n"
        "Enter: digitar o código.",
        "Ask the patient to:\n"
        "  1. open the operator's app on the phone;\n"
        "  2. tap “Gerar token”;\n"
        "  3. read the code out to you.\n"
        "Enter: type the code.",
    ),
    "send.sac.steps": (
        "O paciente liga para o SAC da operadora e pede o código de segurança:",
        "The patient calls the operator's SAC and asks for the security code:",
    ),
    "send.sac.then": (
        "Quando o paciente ler o código, Enter para digitá-lo.",
        "When the patient reads the code out, Enter to type it.",
    ),
    "key.send_confirm": ("Enviar", "Send"),
    "key.continue": ("Continuar", "Continue"),
    "key.send_confirm.tip": (
        "Envia para o destino marcado (ou segue com o aplicativo/SAC)",
        "Sends to the highlighted destination (or goes on with the app/SAC)",
    ),
    # --- code entry ------------------------------------------------------------------
    "code.title": ("Digitar código", "Enter code"),
    "code.field": ("Código ({n} dígitos)", "Code ({n} digits)"),
    "code.placeholder": ("código que o paciente informa", "code the patient reads out"),
    "code.placeholder_short": ("código do paciente", "the patient's code"),
    "code.via_app": (
        "O paciente gera o código no aplicativo (“Gerar token”).",
        "The patient generates the code in the app (“Gerar token”).",
    ),
    "code.via_sac": (
        "O paciente liga para o SAC e pede o código.",
        "The patient calls the SAC and asks for the code.",
    ),
    "code.missing": ("Faltam {n} dígitos", "{n} digits missing"),
    "code.missing_one": ("Falta 1 dígito", "1 digit missing"),
    "code.extra": ("O código tem {length} dígitos", "The code has {length} digits"),
    "code.ready": ("Enter valida", "Enter validates"),
    "code.validating": ("Validando…", "Validating…"),
    "code.resend_in": (
        "Ctrl+R reenvia o código daqui a {wait}.",
        "Ctrl+R resends the code in {wait}.",
    ),
    "code.resend_ready": ("Ctrl+R reenvia o código.", "Ctrl+R resends the code."),
    "code.next.send": ("Ctrl+R envia um código ao paciente.", "Ctrl+R sends the patient a code."),
    "code.next.other_way": (
        "Sem código no aplicativo ou no SAC? Ctrl+R envia um por SMS ou e-mail.",
        "No code from the app or the SAC? Ctrl+R sends one by SMS or e-mail.",
    ),
    "code.next.new": ("Ctrl+R envia um novo código.", "Ctrl+R sends a new code."),
    "code.next.new_in": (
        "Ctrl+R envia um novo código daqui a {wait}.",
        "Ctrl+R sends a new code in {wait}.",
    ),
    "code.send_wait": (
        "Ainda não: a operadora exige um intervalo entre um envio e outro.",
        "Not yet: the operator requires a wait between one send and the next.",
    ),
    "code.cancelled": ("Código cancelado. Envie um novo quando precisar.", "Code cancelled."),
    "key.validate": ("Validar", "Validate"),
    "key.validate.tip": (
        "Confere o código e libera a guia",
        "Checks the code and releases the guide",
    ),
    "key.resend": ("Reenviar", "Resend"),
    "key.send_code": ("Enviar código", "Send code"),
    "key.send_code.short": ("Enviar", "Send"),
    "key.send_code.tip": (
        "Envia um código ao paciente por SMS ou e-mail",
        "Sends the patient a code by SMS or e-mail",
    ),
    "key.resend.tip": (
        "Envia um código novo (o anterior deixa de valer)",
        "Sends a new code (the old one stops working)",
    ),
    "key.cancel_token": ("Cancelar código", "Cancel code"),
    "key.cancel_token.short": ("Cancelar", "Cancel"),
    "key.cancel_token.tip": (
        "Invalida o código pendente desta guia",
        "Invalidates this guide's pending code",
    ),
    "confirm.cancel_token": (
        "Cancelar o código pendente desta guia? O paciente não poderá mais usá-lo.",
        "Cancel this guide's pending code? The patient will no longer be able to use it.",
    ),
    # --- result ----------------------------------------------------------------------
    "result.authorized": ("GUIA AUTORIZADA", "GUIDE AUTHORIZED"),
    "result.partial": ("GUIA AUTORIZADA PARCIALMENTE", "GUIDE PARTIALLY AUTHORIZED"),
    "result.under_review": ("GUIA EM ANÁLISE", "GUIDE UNDER REVIEW"),
    "result.other": ("GUIA {status}", "GUIDE {status}"),
    "result.under_review_text": (
        "A operadora vai analisar o motivo informado. Acompanhe a guia pela busca.",
        "The operator will review the reason given. Follow the guide from the lookup.",
    ),
    "result.auth_label": ("Senha de autorização", "Authorization number"),
    "result.valid_until": ("Válida até {date}", "Valid until {date}"),
    "result.next": ("Enter: próximo paciente", "Enter: next patient"),
    "result.next_copy": (
        "Enter: próximo paciente · C: copiar a senha",
        "Enter: next patient · C: copy the number",
    ),
    "key.next": ("Próximo paciente", "Next patient"),
    "key.next.short": ("Próximo", "Next"),
    "key.next.tip": ("Volta à busca vazia", "Back to an empty lookup"),
    "key.copy": ("Copiar senha", "Copy number"),
    "key.copy.short": ("Copiar", "Copy"),
    "key.copy.tip": (
        "Copia a senha para colar no sistema (funciona por SSH)",
        "Copies the number to paste elsewhere (works over SSH)",
    ),
    # --- absence -----------------------------------------------------------------------
    "absence.title": ("Sem token: motivo de ausência", "No token: absence reason"),
    "absence.question": (
        "Por que o paciente não tem o código? (tabela TISS 74)",
        "Why has the patient no code? (TISS table 74)",
    ),
    "absence.confirm": (
        "Liberar a guia sem token pelo motivo {code} – {reason}?\n"
        "Enter confirma · Esc escolhe outro motivo",
        "Release the guide without a token for reason {code} – {reason}?\n"
        "Enter confirms · Esc picks another reason",
    ),
    "absence.sending": ("Enviando o motivo…", "Sending the reason…"),
    "key.choose": ("Escolher", "Choose"),
    "key.choose.tip": ("Escolhe o motivo marcado", "Chooses the highlighted reason"),
    "key.choose_number": ("Nº do motivo", "Reason no."),
    "key.choose_number.tip": (
        "Escolhe o motivo pelo número da lista (7: motivo 07)",
        "Chooses the reason by its number in the list (7: reason 07)",
    ),
    "key.confirm": ("Confirmar", "Confirm"),
    "key.confirm.tip": ("Confirma a escolha", "Confirms the choice"),
    # --- history -----------------------------------------------------------------------
    "history.title": ("Histórico da guia {number}", "History of guide {number}"),
    "history.empty": ("Nenhum evento ainda.", "No events yet."),
    "history.col.at": ("Quando", "When"),
    "history.col.event": ("Evento", "Event"),
    "history.col.detail": ("Detalhe", "Detail"),
    "event.token_sent": ("Token enviado", "Token sent"),
    "event.delivery": ("Entrega", "Delivery"),
    "event.code_rejected": ("Código recusado", "Code rejected"),
    "event.token_locked": ("Token bloqueado", "Token locked"),
    "event.token_expired": ("Token expirado", "Token expired"),
    "event.authorized": ("Autorizada", "Authorized"),
    "event.absence": ("Sem token", "No token"),
    "event.cancelled": ("Token cancelado", "Token cancelled"),
    "event.detail.to": ("{channel} para {destination}", "{channel} to {destination}"),
    "event.detail.reason": ("motivo {code}", "reason {code}"),
    "event.detail.authorization": ("senha {number}", "authorization {number}"),
    # --- help ------------------------------------------------------------------------
    "help.title": ("Ajuda", "Help"),
    "help.keys": ("Teclas desta tela", "Keys on this screen"),
    "help.flow": (
        "Como liberar uma guia:\n"
        "  1. digite ou leia o número da guia e tecle Enter;\n"
        "  2. E (Enviar Token): Enter envia ao celular já marcado;\n"
        "  3. digite o código que o paciente lê e tecle Enter;\n"
        "  4. anote ou copie (C) a senha; Enter chama o próximo paciente.\n"
        "Sem celular: aplicativo ou SAC no Enviar Token, ou S (Sem token).\n"
        "Ctrl+P abre a lista de comandos; Ctrl+Q sai.",
        "How to release a guide:\n"
        "  1. type or scan the guide number and press Enter;\n"
        "  2. E (Send token): Enter sends to the phone already highlighted;\n"
        "  3. type the code the patient reads out and press Enter;\n"
        "  4. note or copy (C) the authorization; Enter calls the next patient.\n"
        "No phone: the app or the SAC in Send token, or S (No token).\n"
        "Ctrl+P opens the command list; Ctrl+Q quits.",
    ),
    "help.local": (
        "Modo demonstração: F2 mostra o simulador com as mensagens que o paciente "
        "receberia e o código do aplicativo; F6 simula o SAC; F7 adianta o relógio.",
        "Demonstration mode: F2 shows the simulator with the messages the patient would "
        "receive and the app code; F6 simulates the SAC; F7 moves the clock forward.",
    ),
    "help.close": ("Esc fecha a ajuda", "Esc closes the help"),
    # --- profile switcher (F9) --------------------------------------------------------
    "profiles.title": ("Trocar de perfil", "Switch profile"),
    "profiles.question": (
        "Com qual operadora trabalhar agora?",
        "Which operator to work with now?",
    ),
    "profiles.local": ("Demonstração local", "Local demonstration"),
    "profiles.local_detail": (
        "backend embutido, com dados de demonstração e simulador",
        "embedded backend, with demonstration data and the simulator",
    ),
    "profiles.in_use": ("em uso", "in use"),
    "profiles.tiss": ("{label} · TISS {version}", "{label} · TISS {version}"),
    "profiles.none": (
        "Nenhum perfil configurado. O suporte cria um com `frontdesk profiles add` "
        "(veja docs/setup.md).",
        "No profile configured. Support adds one with `frontdesk profiles add` "
        "(see docs/setup.md).",
    ),
    "profiles.loading": ("Lendo os perfis…", "Reading the profiles…"),
    "profiles.switching": ("Abrindo o perfil {name}…", "Opening profile {name}…"),
    "profiles.failed": (
        "Perfil não trocado; continua {current}.\n{reason}",
        "Profile not switched; still on {current}.\n{reason}",
    ),
    "profiles.switched": ("Perfil em uso: {name}.", "Profile in use: {name}."),
    "key.switch": ("Trocar", "Switch"),
    "key.switch.tip": (
        "Passa a usar o perfil marcado (volta à busca vazia)",
        "Uses the highlighted profile from now on (back to an empty lookup)",
    ),
    # --- settings (F10) ----------------------------------------------------------------
    "settings.title": ("Configurações", "Settings"),
    "settings.language": ("Idioma", "Language"),
    "settings.theme": ("Tema (cores)", "Theme (colours)"),
    "settings.current": ("atual", "current"),
    # each language by its own name, whatever the current one
    "language.pt": ("Português", "Português"),
    "language.en": ("English", "English"),
    "settings.scope_all": (
        "Setas escolhem, Tab passa à outra lista, Enter salva para todos os perfis.",
        "Arrows choose, Tab moves to the other list, Enter saves for every profile.",
    ),
    "settings.scope_profile": (
        "Setas escolhem, Tab passa à outra lista, Enter salva para o perfil {name}.",
        "Arrows choose, Tab moves to the other list, Enter saves for profile {name}.",
    ),
    "settings.saving": ("Salvando…", "Saving…"),
    "settings.saved": ("Configurações salvas em {path}.", "Settings saved in {path}."),
    "settings.failed": (
        "Não foi possível salvar; nada mudou no arquivo. Enter tenta de novo, Esc desiste.\n"
        "{reason}",
        "Could not save; the file is unchanged. Enter tries again, Esc gives up.\n{reason}",
    ),
    "theme.textual-dark": ("escuro (padrão)", "dark (default)"),
    "theme.textual-light": ("claro", "light"),
    "theme.nord": ("azulado, escuro", "bluish, dark"),
    "theme.gruvbox": ("quente, escuro", "warm, dark"),
    "theme.solarized-light": ("claro, pouco contraste", "light, soft contrast"),
    "theme.ansi-dark": (
        "16 cores do terminal, fundo escuro (SSH, terminais simples)",
        "the terminal's 16 colours, dark background (SSH, plain terminals)",
    ),
    "theme.ansi-light": (
        "16 cores do terminal, fundo claro",
        "the terminal's 16 colours, light background",
    ),
    "key.save": ("Salvar", "Save"),
    "key.save.tip": (
        "Salva o idioma e o tema escolhidos e aplica já",
        "Saves the chosen language and theme and applies them now",
    ),
    # --- simulator -------------------------------------------------------------------
    "sim.title": ("Simulador do paciente", "Patient simulator"),
    "sim.outbox": ("Mensagens recebidas", "Messages received"),
    "sim.outbox_empty": ("Nenhuma mensagem ainda.", "No messages yet."),
    "sim.outbox_guide": ("Mensagens do paciente desta guia", "This guide's patient's messages"),
    "sim.outbox_guide_empty": (
        "Nenhuma mensagem para esta guia.",
        "No messages for this guide yet.",
    ),
    "sim.app": ("Aplicativo de {name}", "{name}'s app"),
    "sim.app_code": ("Gerar token → {code}", "Gerar token → {code}"),
    "sim.no_app": ("sem aplicativo", "no app"),
    "sim.no_guide": ("Abra uma guia para ver o aplicativo.", "Open a guide to see the app."),
    "sim.sac_code": ("SAC ditou: {code}", "SAC said: {code}"),
    "sim.keys": ("F6 SAC dita · F7 relógio +30 min", "F6 SAC code · F7 clock +30 min"),
    "sim.clock_moved": (
        "Relógio do simulador adiantado 30 minutos.",
        "Simulator clock moved 30 minutes forward.",
    ),
    "sim.unavailable": ("Simulador indisponível.", "Simulator unavailable."),
    # --- error codes: message and next step -----------------------------------------
    "err.guide_not_found": (
        "Guia não encontrada. Confira o número.",
        "Guide not found. Check the number.",
    ),
    "err.guide_not_awaiting_token": (
        "A guia está {status}: não aceita token.",
        "The guide is {status}: it takes no token.",
    ),
    "err.unknown_channel": (
        "Esse contato não existe mais. Escolha outro.",
        "That contact no longer exists. Choose another.",
    ),
    "err.channel_not_sendable": (
        "Não dá para enviar por esse canal. Escolha SMS ou e-mail.",
        "Cannot send through that channel. Choose SMS or e-mail.",
    ),
    "err.typed_destination_not_allowed": (
        "A operadora não deixa digitar esse destino. Use um contato cadastrado.",
        "The operator does not allow a typed destination. Use a registered contact.",
    ),
    "err.invalid_destination": (
        "Destino inválido. Confira o número ou o e-mail.",
        "Invalid destination. Check the number or the e-mail.",
    ),
    "err.resend_too_soon": (
        "Espere {seconds} s para enviar de novo (intervalo da operadora entre envios).",
        "Wait {seconds} s to send again (the operator's wait between sends).",
    ),
    "err.too_many_sends": (
        "Limite de envios atingido: espere {minutes} min.",
        "Send limit reached: wait {minutes} min.",
    ),
    "err.malformed_code": (
        "O código tem {length} dígitos, só números.",
        "The code has {length} digits, numbers only.",
    ),
    "err.already_authorized": (
        "Esta guia já foi autorizada: senha {number}.",
        "This guide was already authorized: number {number}.",
    ),
    "err.no_token_pending": (
        "Nenhum código pendente para esta guia: envie um.",
        "No code pending for this guide: send one.",
    ),
    "err.token_expired": (
        "O código expirou: envie um novo.",
        "The code expired: send a new one.",
    ),
    "err.invalid_code": (
        "Código incorreto. {attempts}. Peça ao paciente para ler de novo.",
        "Wrong code. {attempts}. Ask the patient to read it again.",
    ),
    "err.invalid_code_last": (
        "Código incorreto. Última tentativa: confira com calma.",
        "Wrong code. Last attempt: check carefully.",
    ),
    "err.token_locked": (
        "Código bloqueado após tentativas erradas: envie um novo.",
        "Code locked after wrong attempts: send a new one.",
    ),
    "err.too_many_failures": (
        "Muitos códigos errados nesta carteirinha. Espere {minutes} min ou use Sem token.",
        "Too many wrong codes for this card. Wait {minutes} min or use No token.",
    ),
    "err.unknown_reason": ("Motivo desconhecido. Escolha um da lista.", "Unknown reason."),
    "err.not_found": (
        "A operadora não tem esse recurso.",
        "The operator does not have that resource.",
    ),
    "err.generic": ("A operadora recusou: {detail}", "The operator refused: {detail}"),
}
