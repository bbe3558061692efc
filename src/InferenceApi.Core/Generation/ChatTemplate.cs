using InferenceApi.Core.Errors;
using InferenceApi.Core.Templating;
using InferenceApi.Core.Tokenization;

namespace InferenceApi.Core.Generation;

/// <summary>
/// A model's own Jinja chat template (tokenizer_config.json's <c>chat_template</c>, its "default" entry when it is a
/// list, or a <c>chat_template.jinja</c> file, which wins as in transformers), rendered for <c>/v1/chat/completions</c>
/// with the messages, <c>add_generation_prompt</c> and the model's special tokens. The rendered prompt already holds
/// the special tokens it needs, so it is encoded without adding any. <see cref="EndOfTurnId"/> is the token the
/// template closes an assistant turn with (<c>&lt;|im_end|&gt;</c>, <c>&lt;|eot_id|&gt;</c>, <c>&lt;end_of_turn&gt;</c>),
/// found by rendering a probe conversation; generation stops there.
/// </summary>
public sealed class ChatTemplate
{
    public const string FileName = "chat_template.jinja";

    // The probe's answer: text no template changes and no tokenizer merges with what follows it.
    private const string ProbeAnswer = "PROBE7431";

    private readonly JinjaTemplate? _template;
    private readonly SpecialTokenSet _specials;
    private readonly TimeProvider _time;

    private ChatTemplate(JinjaTemplate? template, string? unusable, SpecialTokenSet specials, TimeProvider time)
    {
        _template = template;
        Unusable = unusable;
        _specials = specials;
        _time = time;
    }

    /// <summary>Why the template cannot be rendered at all (it does not parse here); chat requests answer 400 with it.</summary>
    public string? Unusable { get; }

    /// <summary>The token that ends an assistant turn in this template, when it is not plain text.</summary>
    public int? EndOfTurnId { get; private set; }

    /// <summary>The folder's template, or <c>null</c> when it has none (the simple template serves then).</summary>
    /// <exception cref="IOException">chat_template.jinja exists but cannot be read.</exception>
    public static ChatTemplate? Load(string modelDirectory, GenerationTokenizerConfig config, IGenerationTokenizer tokenizer, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(tokenizer);
        string file = Path.Combine(modelDirectory, FileName);
        string? source = File.Exists(file) ? File.ReadAllText(file)
            : config.ChatTemplates.TryGetValue("default", out string? named) ? named
            : config.ChatTemplates.Values.FirstOrDefault();
        if (source is null)
        {
            return null;
        }

        ChatTemplate template;
        try
        {
            template = new ChatTemplate(JinjaTemplate.Parse(source), null, tokenizer.SpecialTokens, time);
        }
        catch (TemplateException ex)
        {
            return new ChatTemplate(null, $"the model's chat template cannot be rendered by this server: {ex.Message}", tokenizer.SpecialTokens, time);
        }

        template.EndOfTurnId = template.FindEndOfTurn(tokenizer);
        return template;
    }

    /// <summary>Renders the conversation with the generation prompt; a template that raises or fails answers a 400 on <c>messages</c>.</summary>
    public Result<string> Render(IReadOnlyList<ChatTurn> turns)
    {
        ArgumentNullException.ThrowIfNull(turns);
        if (_template is null)
        {
            return InferenceError.Invalid("messages", Unusable!);
        }

        try
        {
            return _template.Render(Context(turns, addGenerationPrompt: true));
        }
        catch (TemplateException ex) when (ex.Kind == TemplateErrorKind.Raised)
        {
            return InferenceError.Invalid("messages", $"The model's chat template refused these messages: {ex.Message}");
        }
        catch (TemplateException ex)
        {
            return InferenceError.Invalid("messages", $"The model's chat template cannot be rendered by this server: {ex.Message}");
        }
    }

    private JinjaContext Context(IReadOnlyList<ChatTurn> turns, bool addGenerationPrompt)
    {
        var context = new JinjaContext(_time)
            .Set("messages", turns.Select(t => new Dictionary<string, object?> { ["role"] = t.Role, ["content"] = t.Content }).ToList())
            .Set("add_generation_prompt", addGenerationPrompt)
            .Set("tools", null);
        foreach ((string name, string? token) in new[] { ("bos_token", _specials.Bos), ("eos_token", _specials.Eos), ("unk_token", _specials.Unk), ("pad_token", _specials.Pad) })
        {
            if (token is not null)
            {
                context.Set(name, token);
            }
        }

        return context;
    }

    // Renders user → assistant and reads what follows the assistant's text: the first token, if special, ends a turn.
    private int? FindEndOfTurn(IGenerationTokenizer tokenizer)
    {
        string rendered;
        try
        {
            rendered = _template!.Render(Context([new ChatTurn("user", "Hello"), new ChatTurn("assistant", ProbeAnswer)], addGenerationPrompt: false));
        }
        catch (TemplateException)
        {
            return null;
        }

        int at = rendered.LastIndexOf(ProbeAnswer, StringComparison.Ordinal);
        string after = at < 0 ? string.Empty : rendered[(at + ProbeAnswer.Length)..].TrimStart();
        if (after.Length == 0)
        {
            return null;
        }

        int[] ids = tokenizer.EncodePrompt(after, 8, truncate: false, addSpecialTokens: false).Ids;
        return ids.Length > 0 && tokenizer.Decode([ids[0]], skipSpecialTokens: true).Length == 0 ? ids[0] : null;
    }
}
