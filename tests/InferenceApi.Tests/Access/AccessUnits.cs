using InferenceApi.Access;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace InferenceApi.Tests.Access;

/// <summary>The access-control services built by hand, as the server builds them, for tests below HTTP.</summary>
internal static class AccessUnits
{
    public static ApiKeyStore Store(AuthOptions options, string contentRoot, TimeProvider time, ILogger<ApiKeyStore>? logger = null) =>
        new(Options.Create(options), new HostingEnvironment { ContentRootPath = contentRoot }, time, logger ?? NullLogger<ApiKeyStore>.Instance);

    public static ApiKeyAuthenticator Authenticator(params TestKey[] keys) =>
        new(Store(new AuthOptions { Keys = [.. keys.Select(k => k.Entry)] }, Path.GetTempPath(), TimeProvider.System));
}
