using System.Text.Json;
using InferenceApi.Core.Templating;

namespace InferenceApi.Core.Tests.Templating;

/// <summary>
/// Twelve real chat templates (ChatML, Qwen2, Qwen3, Llama-2, Llama-3, Mistral v0.1 and v0.3, Zephyr, Phi-3, Gemma,
/// Gemma-3) over seven conversations (system, multi-turn, white space and Unicode, and ones the strict templates
/// refuse), with and without the generation prompt: the same text as the reference renderer, or the same raised message.
/// </summary>
public sealed class ChatTemplateRenderingTests
{
    public static TheoryData<int> Chats => TemplateReferences.Indexes("chats");

    [Theory]
    [MemberData(nameof(Chats))]
    public void Render_RealTemplate_MatchesTheReferenceRenderer(int index)
    {
        JsonElement chat = TemplateReferences.Root.GetProperty("chats")[index];
        string name = chat.GetProperty("template").GetString()!;
        var template = JinjaTemplate.Parse(TemplateReferences.Root.GetProperty("templates").GetProperty(name).GetString()!);
        JinjaContext context = TemplateReferences.Context(TemplateReferences.Root.GetProperty("tokens").GetProperty(name))
            .Set("messages", TemplateReferences.Root.GetProperty("conversations").GetProperty(chat.GetProperty("conversation").GetString()!))
            .Set("add_generation_prompt", chat.GetProperty("add_generation_prompt").GetBoolean());

        if (chat.TryGetProperty("error", out JsonElement error))
        {
            var raised = Assert.Throws<TemplateException>(() => template.Render(context));
            Assert.Equal(TemplateErrorKind.Raised, raised.Kind);
            Assert.Equal(error.GetString(), raised.Message);
        }
        else
        {
            Assert.Equal(chat.GetProperty("output").GetString(), template.Render(context));
        }
    }
}
