using System.Text.Json;
using InferenceApi.Core.Templating;

namespace InferenceApi.Core.Tests.Templating;

/// <summary>
/// The committed renderings of tests/fixtures/chat-templates/references.json, made by the reference renderer
/// (@huggingface/jinja, tests/reference/chat-template-references.mjs): real chat templates over several conversations,
/// and Jinja feature snippets.
/// </summary>
public static class TemplateReferences
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "tests", "fixtures", "chat-templates", "references.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static TheoryData<int> Indexes(string section)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Root.GetProperty(section).GetArrayLength(); i++)
        {
            data.Add(i);
        }

        return data;
    }

    /// <summary>A context from a JSON object of variables.</summary>
    public static JinjaContext Context(JsonElement variables)
    {
        var context = new JinjaContext();
        foreach (JsonProperty variable in variables.EnumerateObject())
        {
            context.Set(variable.Name, variable.Value);
        }

        return context;
    }
}
