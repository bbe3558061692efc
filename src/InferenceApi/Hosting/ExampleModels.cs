namespace InferenceApi.Hosting;

/// <summary>
/// The models in the repository's models/ folder that the OpenAPI examples (Swagger's "Try it out") and the
/// playground name, so every example answers on a fresh clone. A test runs every example against them.
/// </summary>
public static class ExampleModels
{
    public const string Classifier = "sentiment";

    /// <summary>The shipped sentiment model's serving version (models/sentiment/3), for the examples that pin one.</summary>
    public const string ClassifierVersion = "3";

    public const string Embedder = "sentiment-encoder";

    public const string Generator = "gpt-austen";

    /// <summary>The shipped generator's serving version (models/gpt-austen/2, the newest, which the server serves), for the examples that pin one.</summary>
    public const string GeneratorVersion = "2";

    public const string ImageClassifier = "digits-vit";

    /// <summary>An 8×8 grey "3" from the digits data set (white ink on black), as a PNG.</summary>
    public const string DigitPngBase64 = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAAAAADhZOFXAAAAOUlEQVR42mNgYCh4f16AAQgazie8dwAxFATOn2cAA4X36wUgLIH9+2Gs+Q1g1Q4B9/tBjILz54E0AFnwEKE+MEwNAAAAAElFTkSuQmCC";
}
