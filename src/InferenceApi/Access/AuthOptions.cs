namespace InferenceApi.Access;

/// <summary>
/// API keys (section <c>Auth</c>). Access control is off while no key is configured, so the quick start needs none, and
/// on as soon as one key is, or a keys file is named. Validated on start (<see cref="AuthOptionsValidator"/>).
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// Keys from configuration (<c>Auth:Keys:0:Name</c>, <c>Auth__Keys__0__Sha256</c>…). Default none. Fine for a few
    /// long-lived keys; changing them needs a restart, so rotate through <see cref="KeysFile"/> instead.
    /// </summary>
    public List<ApiKeyOptions> Keys { get; set; } = [];

    /// <summary>
    /// A JSON file holding an array of keys in the same shape as <see cref="Keys"/>, re-read whenever it changes, so keys
    /// are added, rotated and revoked without a restart; both lists are in force together. Default none. A file that
    /// does not parse at start stops the start; later, a broken edit keeps the last good keys and logs why. Naming a
    /// file turns access control on even while it holds no key, so revoking the last key never opens the server.
    /// </summary>
    public string? KeysFile { get; set; }

    /// <summary>
    /// How often the keys file is also checked for new content, besides file-system events. Default 10 s. Events miss
    /// some changes (a Kubernetes Secret swaps a symlink; network file systems send none); a shorter interval notices
    /// those sooner for one small read per interval.
    /// </summary>
    public TimeSpan KeysFilePollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Whether access control is on: some key is configured, or a keys file is named.</summary>
    public bool Enabled => Keys.Count > 0 || !string.IsNullOrWhiteSpace(KeysFile);
}
