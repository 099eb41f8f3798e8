namespace EmailSync.GmailEmulator.Corpus;

/// <summary>Words, names and message templates of the generated corpus, per language (en, es, pt).</summary>
internal static class Vocabulary
{
    public static readonly string[] Languages = ["en", "es", "pt"];

    public static readonly Dictionary<string, string[]> FirstNames = new()
    {
        ["en"] = ["James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Ethan", "Mia", "Lucas", "Grace", "Henry", "Chloe", "Owen", "Ruby", "Jack", "Isla"],
        ["es"] = ["Sofía", "Mateo", "Valentina", "Santiago", "Lucía", "Diego", "Camila", "Javier", "Elena", "Andrés", "Paula", "Carlos", "Marta", "Alejandro"],
        ["pt"] = ["João", "Ana", "Pedro", "Beatriz", "Gabriel", "Mariana", "Rafael", "Larissa", "Thiago", "Fernanda", "Lucas", "Juliana", "Bruno", "Camila"],
    };

    public static readonly Dictionary<string, string[]> LastNames = new()
    {
        ["en"] = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Clark", "Walker", "Hall", "Young", "King", "Wright", "Green", "Baker", "Carter"],
        ["es"] = ["García", "Martínez", "López", "Sánchez", "Pérez", "Gómez", "Fernández", "Ruiz", "Díaz", "Moreno", "Álvarez", "Romero", "Navarro"],
        ["pt"] = ["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida", "Nascimento", "Lima", "Araújo", "Ferreira", "Carvalho"],
    };

    public static readonly Dictionary<string, string[]> CompanyWords = new()
    {
        ["en"] = ["Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Hooli", "Vandelay", "Cyberdyne", "Soylent", "Pied Piper", "Aperture", "Tyrell", "Wonka", "Oscorp", "Massive Dynamic"],
        ["es"] = ["Andina", "Iberia Datos", "Soluciones Sol", "Grupo Norte", "Cobalto", "Tecnova", "Mercurio", "Alameda", "Puerto Claro", "Vértice"],
        ["pt"] = ["Paulista", "Ipanema Tech", "Rio Sul", "Amazônia Dados", "Cerrado", "Atlântica", "Horizonte", "Jacarandá", "Pampa", "Litoral"],
    };

    public static readonly Dictionary<string, string[]> CompanySuffix = new()
    {
        ["en"] = ["Inc", "Corp", "Labs", "Systems", "Group"],
        ["es"] = ["S.A.", "S.L.", "Group", "Tecnologías"],
        ["pt"] = ["Ltda", "S.A.", "Tecnologia", "Group"],
    };

    public static readonly Dictionary<string, string[]> Tlds = new()
    {
        ["en"] = [".com", ".io", ".co.uk", ".net"],
        ["es"] = [".es", ".com.mx", ".com", ".com.ar"],
        ["pt"] = [".com.br", ".pt", ".com"],
    };

    public static readonly string[] Competitors = ["Gainsight", "ChurnZero", "Totango", "Planhat", "Vitally"];

    public static readonly string[] Products = ["Insights", "Workflows", "Analytics Pro", "Connect", "Forecast"];

    public static readonly Dictionary<string, string> Greeting = new() { ["en"] = "Hi {0},", ["es"] = "Hola {0},", ["pt"] = "Olá {0}," };

    public static readonly Dictionary<string, string> Closing = new() { ["en"] = "Best regards,", ["es"] = "Saludos cordiales,", ["pt"] = "Atenciosamente," };

    public static readonly Dictionary<string, string> Wrote = new() { ["en"] = "On {0}, {1} wrote:", ["es"] = "El {0}, {1} escribió:", ["pt"] = "Em {0}, {1} escreveu:" };

    /// <summary>Conversation topics: subject and opening line per language; {p} = product, {c} = company.</summary>
    public static readonly Dictionary<string, (string Subject, string Opening)[]> Topics = new()
    {
        ["en"] =
        [
            ("Quarterly business review", "Could we schedule our quarterly business review for {p} next week?"),
            ("Renewal of the {p} contract", "Our {p} contract comes up for renewal next month and I would like to go over the terms."),
            ("Question about the latest release", "We installed the latest release of {p} and have a few questions about the new dashboard."),
            ("Onboarding new team members", "We are adding five people to the team at {c} and need help onboarding them to {p}."),
            ("Invoice and payment terms", "Finance asked me about the latest invoice and our payment terms."),
            ("Integration issue with our CRM", "The integration between {p} and our CRM stopped syncing yesterday."),
            ("Usage report", "Attached is the usage report our team prepared for {p}."),
            ("Feature request: exports", "Our analysts would love a scheduled export from {p}."),
        ],
        ["es"] =
        [
            ("Revisión trimestral", "¿Podemos agendar la revisión trimestral de {p} la próxima semana?"),
            ("Renovación del contrato de {p}", "Nuestro contrato de {p} se renueva el mes que viene y quisiera revisar las condiciones."),
            ("Consulta sobre la nueva versión", "Instalamos la nueva versión de {p} y tenemos algunas dudas sobre el panel."),
            ("Incorporación de nuevos usuarios", "Vamos a sumar cinco personas al equipo de {c} y necesitamos ayuda con {p}."),
            ("Factura y condiciones de pago", "Finanzas me preguntó por la última factura y las condiciones de pago."),
            ("Problema de integración con el CRM", "La integración entre {p} y nuestro CRM dejó de sincronizar ayer."),
            ("Informe de uso", "Adjunto el informe de uso que preparó nuestro equipo sobre {p}."),
        ],
        ["pt"] =
        [
            ("Revisão trimestral", "Podemos agendar a revisão trimestral do {p} na próxima semana?"),
            ("Renovação do contrato do {p}", "Nosso contrato do {p} vence no mês que vem e gostaria de revisar as condições."),
            ("Dúvida sobre a nova versão", "Instalamos a nova versão do {p} e temos algumas dúvidas sobre o painel."),
            ("Treinamento de novos usuários", "Vamos adicionar cinco pessoas ao time da {c} e precisamos de ajuda com o {p}."),
            ("Fatura e condições de pagamento", "O financeiro perguntou sobre a última fatura e as condições de pagamento."),
            ("Problema na integração com o CRM", "A integração entre o {p} e o nosso CRM parou de sincronizar ontem."),
            ("Relatório de uso", "Segue em anexo o relatório de uso que nosso time preparou sobre o {p}."),
        ],
    };

    /// <summary>Lines by tone. Negative lines with critical words are in <see cref="Critical"/>.</summary>
    public static readonly Dictionary<string, Dictionary<string, string[]>> ToneLines = new()
    {
        ["en"] = new()
        {
            ["positive"] = ["The team is really happy with {p}, great work!", "Thanks a lot for the quick help, it works perfectly now.", "We love the new dashboard, adoption is growing fast."],
            ["neutral"] = ["Let me know what times work for you.", "Please find the details below.", "I will share this with the rest of the team."],
            ["negative"] = ["Honestly we are frustrated: this is the third outage this month.", "The support response times have been disappointing.", "We are not happy with how this issue was handled."],
        },
        ["es"] = new()
        {
            ["positive"] = ["El equipo está muy contento con {p}, ¡excelente trabajo!", "Muchas gracias por la ayuda rápida, ya funciona perfecto.", "Nos encanta el nuevo panel, la adopción crece rápido."],
            ["neutral"] = ["Avísame qué horarios te vienen bien.", "Te dejo los detalles abajo.", "Lo comparto con el resto del equipo."],
            ["negative"] = ["Sinceramente estamos frustrados: es la tercera caída este mes.", "Los tiempos de respuesta del soporte han sido decepcionantes.", "No estamos conformes con cómo se manejó este problema."],
        },
        ["pt"] = new()
        {
            ["positive"] = ["O time está muito satisfeito com o {p}, ótimo trabalho!", "Muito obrigado pela ajuda rápida, agora funciona perfeitamente.", "Adoramos o novo painel, a adoção está crescendo rápido."],
            ["neutral"] = ["Me avise quais horários funcionam para você.", "Seguem os detalhes abaixo.", "Vou compartilhar com o resto do time."],
            ["negative"] = ["Sinceramente estamos frustrados: é a terceira queda este mês.", "Os tempos de resposta do suporte têm sido decepcionantes.", "Não estamos satisfeitos com a forma como o problema foi tratado."],
        },
    };

    /// <summary>Churn-risk lines with critical words (cancel, cancelar, cancelamento, terminate, competitors: {x}).</summary>
    public static readonly Dictionary<string, string[]> Critical = new()
    {
        ["en"] = ["If this is not fixed we will cancel our subscription.", "Management asked me to evaluate {x} as an alternative.", "We are considering whether to terminate the contract at renewal.", "Please tell me how to cancel the remaining licenses."],
        ["es"] = ["Si no se resuelve vamos a cancelar la suscripción.", "La dirección me pidió evaluar {x} como alternativa.", "Estamos pensando en cancelar el contrato en la renovación."],
        ["pt"] = ["Se isso não for resolvido vamos pedir o cancelamento da assinatura.", "A diretoria pediu para avaliarmos a {x} como alternativa.", "Estamos considerando o cancelamento do contrato na renovação."],
    };

    public static readonly string[] Newsletters = ["SaaS Weekly", "Customer Success Digest", "The Churn Report", "Product Growth News", "CS Leaders Brief"];

    public static readonly string[] AutomatedServices = ["status.cloudwatcher.io", "billing.stripe-mail.com", "notifications.jira-cloud.net", "alerts.pagerduty-mail.com", "no-reply.docusign-mail.net"];

    public static readonly string[] SpamSubjects = ["You won a $1000 gift card!!!", "Cheap watches, limited offer", "Urgent: verify your account now", "Increase your sales 300% overnight"];

    public static readonly string[] InternalSubjects = ["Weekly CS sync notes", "Churn risk review", "Renewal pipeline for next quarter", "Handover: accounts moving to your book", "Lunch on Friday?"];

    public static readonly string[] PersonalSubjects = ["Dinner on Saturday?", "Photos from the trip", "Happy birthday!", "Weekend plans"];
}
