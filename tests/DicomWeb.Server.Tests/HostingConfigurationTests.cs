using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace DicomWeb.Server.Tests;

/// <summary>A bad configuration stops start-up with a message that names the option; good ones take effect.</summary>
public sealed class HostingConfigurationTests
{
    public static TheoryData<string[], string> BadSettings() => new()
    {
        { ["--DicomWeb:Auth:Enabled", "true", "--DicomWeb:Auth:Audience", "x"], "DicomWeb:Auth:Authority" },
        { ["--DicomWeb:Auth:Enabled", "true", "--DicomWeb:Auth:SymmetricKey", Convert.ToBase64String(new byte[32]), "--DicomWeb:Auth:Issuer", "i"], "DicomWeb:Auth:Audience" },
        { ["--DicomWeb:Auth:Enabled", "true", "--DicomWeb:Auth:SymmetricKey", Convert.ToBase64String(new byte[32]), "--DicomWeb:Auth:Audience", "a"], "DicomWeb:Auth:Issuer" },
        { ["--DicomWeb:Auth:Enabled", "true", "--DicomWeb:Auth:SymmetricKey", "c2hvcnQ=", "--DicomWeb:Auth:Audience", "a", "--DicomWeb:Auth:Issuer", "i"], "DicomWeb:Auth:SymmetricKey" },
        { ["--DicomWeb:Auth:Enabled", "true", "--DicomWeb:Auth:SigningKeyFile", "/nonexistent/key.pem", "--DicomWeb:Auth:Audience", "a", "--DicomWeb:Auth:Issuer", "i"], "DicomWeb:Auth:SigningKeyFile" },
        { ["--DicomWeb:Auth:Enabeld", "true"], "DicomWeb:Auth has unknown setting(s) 'Enabeld'" },
        { ["--DicomWeb:Auth:Enabled", "yes"], "DicomWeb:Auth:Enabled" },
        { ["--DicomWeb:AllowedClients:0", "10.0.0.300"], "DicomWeb:AllowedClients:0" },
        { ["--DicomWeb:TrustedProxies:0", "proxy.local"], "DicomWeb:TrustedProxies:0" },
        { ["--DicomWeb:Cors:AllowedOrigins:0", "https://viewer.test/app"], "DicomWeb:Cors:AllowedOrigins:0" },
        { ["--DicomWeb:Cors:AllowedOrigins:0", "*", "--DicomWeb:Cors:AllowCredentials", "true"], "DicomWeb:Cors:AllowCredentials" },
        { ["--DicomWeb:Logging:RetainedFileCount", "0"], "DicomWeb:Logging:RetainedFileCount" },
        { ["--DicomWeb:Logging:FileSizeLimitBytes", "10"], "DicomWeb:Logging:FileSizeLimitBytes" },
        { ["--DicomWeb:Metrics:Path", "metrics"], "DicomWeb:Metrics:Path" },
        { ["--DicomWeb:Metrics:Path", "/dicom-web/metrics"], "DicomWeb:Metrics:Path" },
        { ["--DicomWeb:RootPath", "dicom-web"], "DicomWeb:RootPath" },
        { ["--Storage:Provider", "Oracle"], "Storage:Provider" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Bad_setting_stops_start_up_naming_the_option(string[] settings, string option)
    {
        var dataPath = HostingTestServer.NewDataPath();
        try
        {
            var error = Assert.ThrowsAny<InvalidOperationException>(() => DicomWebApplication.Build(HostingTestServer.Arguments(dataPath, settings)));
            Assert.Contains(option, error.Message);
        }
        finally
        {
            if (Directory.Exists(dataPath)) Directory.Delete(dataPath, recursive: true);
        }
    }

    [Fact]
    public async Task Shutdown_timeout_is_the_standard_shutdownTimeoutSeconds_setting_and_defaults_to_30_seconds()
    {
        await using var configured = await HostingTestServer.StartAsync("--shutdownTimeoutSeconds", "7");
        await using var defaulted = await HostingTestServer.StartAsync();

        Assert.Equal(TimeSpan.FromSeconds(7), configured.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromSeconds(30), defaulted.Services.GetRequiredService<IOptions<HostOptions>>().Value.ShutdownTimeout);
    }

    [Fact]
    public async Task Environment_style_keys_reach_the_hosting_options()
    {
        // The same binder serves environment variables (DicomWeb__Cors__AllowedOrigins__0) and the command line.
        await using var server = await HostingTestServer.StartAsync("--DicomWeb:Cors:AllowedOrigins:0", "https://viewer.hospital.test",
            "--DicomWeb:Metrics:Path", "/internal/metrics", "--DicomWeb:Swagger:Enabled", "false");

        Assert.Equal(System.Net.HttpStatusCode.OK, (await server.Client.GetAsync("/internal/metrics")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await server.Client.GetAsync("/metrics")).StatusCode);
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await server.Client.GetAsync("/swagger/v1/swagger.json")).StatusCode);
    }
}
