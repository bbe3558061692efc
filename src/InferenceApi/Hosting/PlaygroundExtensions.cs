namespace InferenceApi.Hosting;

/// <summary>
/// The playground page at <c>/</c>: plain HTML, CSS and JavaScript in wwwroot, no front-end build step, every file
/// served by this server. It calls the public API like any client, so it needs nothing else on the server side.
/// </summary>
public static class PlaygroundExtensions
{
    /// <summary>
    /// `dotnet run` starts the server with the repository root as content root (where appsettings.json and models/
    /// are), so the project's wwwroot is found through the build's static web assets manifest, in every environment.
    /// A published server has wwwroot beside the binary and no manifest, where this does nothing.
    /// </summary>
    public static WebApplicationBuilder AddPlayground(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.WebHost.UseStaticWebAssets();
        return builder;
    }

    /// <summary>Serves <c>/</c> as index.html and the page's files, ahead of request logging and metrics.</summary>
    public static IApplicationBuilder UsePlayground(this IApplicationBuilder app) => app.UseDefaultFiles().UseStaticFiles();
}
