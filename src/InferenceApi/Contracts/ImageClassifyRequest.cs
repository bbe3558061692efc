using System.Text.Json.Serialization;
using InferenceApi.Access;

namespace InferenceApi.Contracts;

/// <summary>JSON body of <c>POST /v1/images/classify</c>; multipart uploads carry the same fields as form fields and files.</summary>
/// <param name="Model">An image-classification model.</param>
/// <param name="Images">Base64 images (PNG, JPEG, WebP, BMP, GIF), optionally as data URLs (<c>data:image/png;base64,…</c>).</param>
/// <param name="TopK">Return only the best k labels per image.</param>
/// <param name="Version">Pin a model version.</param>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ImageClassifyRequest(string? Model, IReadOnlyList<string>? Images, int? TopK, long? Version) : IModelRequest;
