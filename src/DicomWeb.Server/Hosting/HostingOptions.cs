using System.Net;
using Microsoft.Extensions.Configuration;

namespace DicomWeb.Server.Hosting;

/// <summary>
/// The hosting sections under <c>DicomWeb</c>: authentication, client allow-list, CORS, logging, metrics and OpenAPI.
/// Every option is documented in <c>docs/configuration.md</c>; <see cref="Load"/> stops start-up naming the option that is wrong.
/// </summary>
public sealed class HostingOptions
{
    /// <summary>JWT bearer authentication, <c>DicomWeb:Auth</c>.</summary>
    public AuthOptions Auth { get; init; } = new();

    /// <summary>Cross-origin resource sharing, <c>DicomWeb:Cors</c>.</summary>
    public CrossOriginOptions Cors { get; init; } = new();

    /// <summary>Logging sinks and the request log line, <c>DicomWeb:Logging</c>.</summary>
    public LogOptions Logging { get; init; } = new();

    /// <summary>OpenTelemetry metrics and the Prometheus scrape endpoint, <c>DicomWeb:Metrics</c>.</summary>
    public MetricsOptions Metrics { get; init; } = new();

    /// <summary>Swagger UI and the OpenAPI document, <c>DicomWeb:Swagger</c>.</summary>
    public SwaggerOptions Swagger { get; init; } = new();

    /// <summary>
    /// Client addresses allowed to connect: single addresses (<c>10.1.2.3</c>, <c>::1</c>) or networks in CIDR form
    /// (<c>10.1.0.0/16</c>). Empty allows every client. <c>DicomWeb:AllowedClients</c>.
    /// </summary>
    public IReadOnlyList<IPNetwork> AllowedClients { get; init; } = [];

    /// <summary>
    /// Reverse proxies whose <c>X-Forwarded-For</c> header is believed for the client address that the allow-list
    /// judges (addresses or CIDR networks). Empty believes none. <c>DicomWeb:TrustedProxies</c>.
    /// </summary>
    public IReadOnlyList<IPNetwork> TrustedProxies { get; init; } = [];

    /// <summary>Reads and checks the hosting sections; throws <see cref="InvalidOperationException"/> naming the option that is wrong.</summary>
    public static HostingOptions Load(IConfiguration configuration, DicomWebOptions dicomWeb)
    {
        var root = configuration.GetSection(DicomWebOptions.Section);
        var options = new HostingOptions
        {
            Auth = Bind<AuthOptions>(root, "Auth"),
            Cors = Bind<CrossOriginOptions>(root, "Cors"),
            Logging = Bind<LogOptions>(root, "Logging"),
            Metrics = Bind<MetricsOptions>(root, "Metrics"),
            Swagger = Bind<SwaggerOptions>(root, "Swagger"),
            AllowedClients = ParseNetworks(root.GetSection("AllowedClients")),
            TrustedProxies = ParseNetworks(root.GetSection("TrustedProxies")),
        };
        options.Auth.Validate();
        options.Cors.Validate();
        options.Logging.Validate();
        options.Metrics.Validate(dicomWeb);
        return options;
    }

    // Unknown keys fail start-up here: a misspelt "Enabled" under Auth must not silently leave the server open.
    private static T Bind<T>(IConfigurationSection root, string name) where T : new()
    {
        var section = root.GetSection(name);
        try
        {
            return section.Get<T>(binder => binder.ErrorOnUnknownConfiguration = true) ?? new T();
        }
        catch (InvalidOperationException e) when (e.Message.Contains("ErrorOnUnknownConfiguration", StringComparison.Ordinal))
        {
            var unknown = e.Message[(e.Message.LastIndexOf(": ", StringComparison.Ordinal) + 2)..];
            throw new InvalidOperationException($"{section.Path} has unknown setting(s) {unknown}; docs/configuration.md lists the names", e);
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException($"{section.Path}: {e.Message}", e);
        }
    }

    private static IReadOnlyList<IPNetwork> ParseNetworks(IConfigurationSection section)
    {
        var networks = new List<IPNetwork>();
        foreach (var child in section.GetChildren())
        {
            var text = child.Value?.Trim();
            if (string.IsNullOrEmpty(text)) continue;
            if (IPAddress.TryParse(text, out var address))
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else if (IPNetwork.TryParse(text, out var network))
                networks.Add(network);
            else
                throw new InvalidOperationException($"{child.Path} '{text}' is neither an IP address nor a CIDR network such as 10.1.0.0/16");
        }
        return networks;
    }
}

/// <summary>The <c>DicomWeb:Auth</c> section: JWT bearer validation, switched off by default (the seed's <c>jwt_validate</c>).</summary>
public sealed class AuthOptions
{
    /// <summary>Require a valid bearer token on every DICOMweb route. <c>DicomWeb:Auth:Enabled</c>, default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The token issuer's base URL; its OpenID Connect discovery document supplies the signing keys and issuer. <c>DicomWeb:Auth:Authority</c>.</summary>
    public string? Authority { get; set; }

    /// <summary>An explicit discovery document URL, when it is not <c>{Authority}/.well-known/openid-configuration</c>. <c>DicomWeb:Auth:MetadataAddress</c>.</summary>
    public string? MetadataAddress { get; set; }

    /// <summary>Refuse discovery over plain HTTP. <c>DicomWeb:Auth:RequireHttpsMetadata</c>, default true.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The expected <c>iss</c> claim. Required with a local key; with an authority it overrides the discovered issuer. <c>DicomWeb:Auth:Issuer</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>The expected <c>aud</c> claim (this server's identifier at the issuer). Required. <c>DicomWeb:Auth:Audience</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>A base64 HMAC key (at least 32 bytes) for HS256/384/512 tokens, for offline networks. <c>DicomWeb:Auth:SymmetricKey</c>.</summary>
    public string? SymmetricKey { get; set; }

    /// <summary>
    /// A file with the issuer's public key for offline networks: PEM public key (RSA or EC), PEM certificate,
    /// or a JSON Web Key Set. <c>DicomWeb:Auth:SigningKeyFile</c>.
    /// </summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>The scope (or role) read routes (GET, HEAD, OPTIONS) require; empty for none. <c>DicomWeb:Auth:ReadScope</c>.</summary>
    public string? ReadScope { get; set; } = "dicomweb.read";

    /// <summary>The scope (or role) write routes (POST, PUT, DELETE) require; empty for none. <c>DicomWeb:Auth:WriteScope</c>.</summary>
    public string? WriteScope { get; set; } = "dicomweb.write";

    /// <summary>How far token lifetimes may be off the server's clock, in seconds. <c>DicomWeb:Auth:ClockSkewSeconds</c>, default 60.</summary>
    public int ClockSkewSeconds { get; set; } = 60;

    /// <summary>Answer <c>/health/*</c> without a token. <c>DicomWeb:Auth:AnonymousHealth</c>, default true.</summary>
    public bool AnonymousHealth { get; set; } = true;

    /// <summary>Answer the metrics scrape endpoint without a token. <c>DicomWeb:Auth:AnonymousMetrics</c>, default true.</summary>
    public bool AnonymousMetrics { get; set; } = true;

    /// <summary>Answer <c>/swagger</c> without a token. <c>DicomWeb:Auth:AnonymousSwagger</c>, default true.</summary>
    public bool AnonymousSwagger { get; set; } = true;

    internal void Validate()
    {
        if (!Enabled) return;
        var hasKey = !string.IsNullOrWhiteSpace(SymmetricKey) || !string.IsNullOrWhiteSpace(SigningKeyFile);
        if (string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(MetadataAddress) && !hasKey)
            throw new InvalidOperationException("DicomWeb:Auth:Enabled is true but neither DicomWeb:Auth:Authority nor a local key (DicomWeb:Auth:SymmetricKey or DicomWeb:Auth:SigningKeyFile) is set");
        if (!string.IsNullOrWhiteSpace(Authority) && !Uri.TryCreate(Authority, UriKind.Absolute, out _))
            throw new InvalidOperationException($"DicomWeb:Auth:Authority '{Authority}' is not an absolute URL");
        if (!string.IsNullOrWhiteSpace(MetadataAddress) && !Uri.TryCreate(MetadataAddress, UriKind.Absolute, out _))
            throw new InvalidOperationException($"DicomWeb:Auth:MetadataAddress '{MetadataAddress}' is not an absolute URL");
        if (string.IsNullOrWhiteSpace(Audience))
            throw new InvalidOperationException("DicomWeb:Auth:Audience is required when DicomWeb:Auth:Enabled is true (the aud claim tokens for this server carry)");
        if (hasKey && string.IsNullOrWhiteSpace(Authority) && string.IsNullOrWhiteSpace(MetadataAddress) && string.IsNullOrWhiteSpace(Issuer))
            throw new InvalidOperationException("DicomWeb:Auth:Issuer is required with a local signing key (the iss claim of accepted tokens)");
        if (ClockSkewSeconds is < 0 or > 3600)
            throw new InvalidOperationException($"DicomWeb:Auth:ClockSkewSeconds {ClockSkewSeconds} must be between 0 and 3600");
        // Loading the keys now reports a bad key file at start-up rather than at the first request.
        SigningKeys.Load(this);
    }
}

/// <summary>The <c>DicomWeb:Cors</c> section: which browser origins may call the services (a viewer served elsewhere).</summary>
public sealed class CrossOriginOptions
{
    /// <summary>Origins allowed, e.g. <c>https://viewer.example.org</c>, or <c>*</c> for any. Empty switches CORS off. <c>DicomWeb:Cors:AllowedOrigins</c>.</summary>
    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>Methods allowed; unset means GET, HEAD, POST, DELETE, OPTIONS. <c>DicomWeb:Cors:AllowedMethods</c>.</summary>
    public string[]? AllowedMethods { get; set; }

    /// <summary>Request headers allowed; unset means any. <c>DicomWeb:Cors:AllowedHeaders</c>.</summary>
    public string[]? AllowedHeaders { get; set; }

    /// <summary>Response headers scripts may read; unset means Content-Type, Content-Length, Content-Location, Location, Warning, ETag. <c>DicomWeb:Cors:ExposedHeaders</c>.</summary>
    public string[]? ExposedHeaders { get; set; }

    /// <summary>Allow cookies and HTTP authentication on cross-origin requests (not with origin <c>*</c>). <c>DicomWeb:Cors:AllowCredentials</c>, default false.</summary>
    public bool AllowCredentials { get; set; }

    /// <summary>How long browsers may cache a preflight answer, in seconds. <c>DicomWeb:Cors:MaxAgeSeconds</c>, default 600.</summary>
    public int MaxAgeSeconds { get; set; } = 600;

    /// <summary>The methods in effect.</summary>
    public IReadOnlyList<string> Methods => AllowedMethods ?? ["GET", "HEAD", "POST", "DELETE", "OPTIONS"];

    /// <summary>The exposed headers in effect.</summary>
    public IReadOnlyList<string> Exposed => ExposedHeaders ?? ["Content-Type", "Content-Length", "Content-Location", "Location", "Warning", "ETag"];

    internal void Validate()
    {
        for (var i = 0; i < AllowedOrigins.Length; i++)
        {
            var origin = AllowedOrigins[i];
            if (origin == "*") continue;
            if (!Uri.TryCreate(origin, UriKind.Absolute, out var uri) || uri.AbsolutePath != "/" || origin.EndsWith('/'))
                throw new InvalidOperationException($"DicomWeb:Cors:AllowedOrigins:{i} '{origin}' is not an origin such as https://viewer.example.org (scheme, host, optional port, no path)");
        }
        if (AllowCredentials && AllowedOrigins.Contains("*"))
            throw new InvalidOperationException("DicomWeb:Cors:AllowCredentials cannot be true when DicomWeb:Cors:AllowedOrigins contains '*'");
        if (MaxAgeSeconds < 0)
            throw new InvalidOperationException($"DicomWeb:Cors:MaxAgeSeconds {MaxAgeSeconds} must not be negative");
    }
}

/// <summary>The <c>DicomWeb:Logging</c> section: sinks and the request log line. Levels stay under the standard <c>Logging:LogLevel</c>.</summary>
public sealed class LogOptions
{
    /// <summary>Write to the console (what container runtimes collect). <c>DicomWeb:Logging:Console</c>, default true.</summary>
    public bool Console { get; set; } = true;

    /// <summary>
    /// The log file; rotated files get <c>_001</c>, <c>_002</c>… before the extension. Empty switches file logging off.
    /// <c>DicomWeb:Logging:FilePath</c>, default <c>./logs/dicomweb.log</c>.
    /// </summary>
    public string? FilePath { get; set; } = "./logs/dicomweb.log";

    /// <summary>A log file is closed and a new one started at this size, in bytes. <c>DicomWeb:Logging:FileSizeLimitBytes</c>, default 10 MiB.</summary>
    public long FileSizeLimitBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>How many log files are kept, the current one included; older ones are deleted. <c>DicomWeb:Logging:RetainedFileCount</c>, default 20.</summary>
    public int RetainedFileCount { get; set; } = 20;

    /// <summary>Log one line per request: method, route pattern, status, duration and bytes. <c>DicomWeb:Logging:RequestLog</c>, default true.</summary>
    public bool RequestLog { get; set; } = true;

    internal void Validate()
    {
        if (FileSizeLimitBytes < 1024)
            throw new InvalidOperationException($"DicomWeb:Logging:FileSizeLimitBytes {FileSizeLimitBytes} must be at least 1024");
        if (RetainedFileCount < 1)
            throw new InvalidOperationException($"DicomWeb:Logging:RetainedFileCount {RetainedFileCount} must be at least 1");
        if (!string.IsNullOrWhiteSpace(FilePath) && FilePath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            throw new InvalidOperationException($"DicomWeb:Logging:FilePath '{FilePath}' is not a valid path");
    }
}

/// <summary>The <c>DicomWeb:Metrics</c> section.</summary>
public sealed class MetricsOptions
{
    /// <summary>Collect metrics and serve the Prometheus scrape endpoint. <c>DicomWeb:Metrics:Enabled</c>, default true.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>The scrape endpoint's path. <c>DicomWeb:Metrics:Path</c>, default <c>/metrics</c>.</summary>
    public string Path { get; set; } = "/metrics";

    /// <summary>
    /// How long the stored instance count and storage size are reused before the index is asked again, in seconds
    /// (counting a large index is not free). <c>DicomWeb:Metrics:StorageRefreshSeconds</c>, default 60.
    /// </summary>
    public int StorageRefreshSeconds { get; set; } = 60;

    internal void Validate(DicomWebOptions dicomWeb)
    {
        if (!Enabled) return;
        if (string.IsNullOrWhiteSpace(Path) || !Path.StartsWith('/') || Path.Length > 1 && Path.EndsWith('/'))
            throw new InvalidOperationException($"DicomWeb:Metrics:Path '{Path}' must start with '/' and not end with '/'");
        // Under the root it would be mistaken for a DICOMweb resource (and be anonymous there when authentication is on).
        if (EndpointCatalog.IsUnder(Path, dicomWeb.RootPath))
            throw new InvalidOperationException($"DicomWeb:Metrics:Path '{Path}' lies under DicomWeb:RootPath '{dicomWeb.RootPath}'");
        if (StorageRefreshSeconds < 0)
            throw new InvalidOperationException($"DicomWeb:Metrics:StorageRefreshSeconds {StorageRefreshSeconds} must not be negative");
    }
}

/// <summary>The <c>DicomWeb:Swagger</c> section.</summary>
public sealed class SwaggerOptions
{
    /// <summary>Serve the OpenAPI document at <c>/swagger/v1/swagger.json</c> and Swagger UI at <c>/swagger</c>. <c>DicomWeb:Swagger:Enabled</c>, default true.</summary>
    public bool Enabled { get; set; } = true;
}
