using InferenceApi.Tests.Infrastructure;

namespace InferenceApi.Tests.Endpoints;

/// <summary>
/// A server with the independent tiny-gpt model given a tokenizer.json and a chat template instead of its
/// vocab.json/merges.txt ("tiny-gpt-chat"), and three folders that must fail precisely: a template that does not parse
/// here, a template that raises on a system message, and a tokenizer.model larger than the model's logits.
/// </summary>
public sealed class ChatTemplateServer : SingleModelServer
{
    public ChatTemplateServer()
        : base(("Cache:Enabled", "false"))
    {
        string tokenizers = TestPaths.TokenizerFixturesDirectory;
        ModelFolder = AddTinyGpt("tiny-gpt-chat", Path.Combine(tokenizers, "tiny-gpt-chat"));

        string unparsable = AddTinyGpt("tiny-gpt-bad-template", Path.Combine(tokenizers, "tiny-gpt-chat"));
        WriteTemplate(unparsable, "{% include 'other.jinja' %}{% for m in messages %}{{ m.content }}{% endfor %}");

        string raising = AddTinyGpt("tiny-gpt-no-system", Path.Combine(tokenizers, "tiny-gpt-chat"));
        WriteTemplate(raising, "{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for m in messages %}{{ m.content }}{% endfor %}");

        AddTinyGpt("tiny-gpt-llama2-tokenizer", Path.Combine(tokenizers, "llama2-spm"));
    }

    /// <summary>The tiny-gpt-chat folder as served (model.onnx, config.json, tokenizer.json, tokenizer_config.json).</summary>
    public string ModelFolder { get; }

    // The model files of the independent fixture, the tokenizer files of another folder.
    private string AddTinyGpt(string name, string tokenizerFolder)
    {
        string folder = Factory.AddModel(tokenizerFolder, name);
        foreach (string file in new[] { "model.onnx", "config.json" })
        {
            File.Copy(Path.Combine(Fixtures.TinyGpt, file), Path.Combine(folder, file));
            File.SetAttributes(Path.Combine(folder, file), FileAttributes.Normal);
        }

        return folder;
    }

    private static void WriteTemplate(string folder, string template) =>
        File.WriteAllText(Path.Combine(folder, "chat_template.jinja"), template);
}
