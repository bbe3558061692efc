namespace InferenceApi.Contracts.KServe;

/// <summary>Body of <c>POST /v2/repository/index</c> (optional).</summary>
/// <param name="Ready">Only models ready to infer (default false).</param>
public sealed record KServeRepositoryIndexRequest(bool? Ready);
