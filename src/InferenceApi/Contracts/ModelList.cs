namespace InferenceApi.Contracts;

/// <summary>OpenAI's list envelope.</summary>
public sealed record ModelList(IReadOnlyList<ModelInfo> Data)
{
    public string Object => "list";
}
