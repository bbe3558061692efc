using System.Text.Json;
using InferenceApi.Core.Templating;

namespace InferenceApi.Core.Tests.Templating;

/// <summary>Each Jinja construct of the chat-template subset, rendered as the reference renderer renders it.</summary>
public sealed class JinjaSnippetTests
{
    public static TheoryData<int> Snippets => TemplateReferences.Indexes("snippets");

    [Theory]
    [MemberData(nameof(Snippets))]
    public void Render_Snippet_MatchesTheReferenceRenderer(int index)
    {
        JsonElement snippet = TemplateReferences.Root.GetProperty("snippets")[index];
        string source = snippet.GetProperty("template").GetString()!;
        JinjaContext context = TemplateReferences.Context(snippet.GetProperty("context"));

        if (snippet.TryGetProperty("error", out JsonElement error))
        {
            // The reference's own wording differs for syntax errors (a JavaScript TypeError); that it fails is what matters.
            var thrown = Assert.Throws<TemplateException>(() => JinjaTemplate.Parse(source).Render(context));
            if (thrown.Kind == TemplateErrorKind.Raised)
            {
                Assert.Equal(error.GetString(), thrown.Message);
            }
        }
        else
        {
            Assert.Equal(snippet.GetProperty("output").GetString(), JinjaTemplate.Parse(source).Render(context));
        }
    }
}
