using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;
using DicomWeb.Server.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace DicomWeb.Server.Tests;

/// <summary>Request log, log rotation, readiness, metrics, Swagger and capabilities over real HTTP.</summary>
public sealed class HostingObservabilityTests
{
    private const string Ct = "native/ct_explicit_le.dcm";

    private static async Task<string> ReadAllLogsAsync(IEnumerable<string> files)
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in files) text.Append(await File.ReadAllTextAsync(file));
        return text.ToString();
    }

    [Fact]
    public async Task Request_log_line_has_method_route_pattern_status_and_bytes_but_no_path_or_query()
    {
        await using var server = await HostingTestServer.StartAsync("--Logging:LogLevel:Default", "Information");
        var body = new MultipartBody().Part(await File.ReadAllBytesAsync(TestData.PathOf(Ct))).Close().ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", new MultipartBody().ContentType());

        var store = await server.Client.PostAsync("/dicom-web/studies", content);
        var storeAnswer = await store.Content.ReadAsByteArrayAsync();
        var capabilities = await server.Client.GetByteArrayAsync("/dicom-web?secret=1");
        var logs = await ReadAllLogsAsync(await server.StopAndReadLogsAsync());

        Assert.Equal(HttpStatusCode.OK, store.StatusCode);
        Assert.Contains($"HTTP POST /dicom-web/studies responded 200 in ", logs);
        Assert.Matches($@"HTTP POST /dicom-web/studies responded 200 in [0-9.]+ ms, {body.Length} bytes in, {storeAnswer.Length} bytes out", logs);
        Assert.Matches($@"HTTP GET /dicom-web responded 200 in [0-9.]+ ms, 0 bytes in, {capabilities.Length} bytes out", logs);
        Assert.DoesNotContain("secret", logs);
    }

    [Fact]
    public async Task No_patient_name_or_id_reaches_the_logs_at_Information_level()
    {
        var file = DicomFile.Open(TestData.PathOf(Ct), new DicomReaderOptions { StopBeforePixelData = true });
        var name = file.Dataset.GetString(DicomTags.PatientName)!;
        var id = file.Dataset.GetString(DicomTags.PatientID)!;
        var study = file.Dataset.GetString(DicomTags.StudyInstanceUID)!;
        Assert.True(name.Length > 3 && id.Length > 3, "the test needs a distinctive patient name and ID");
        await using var server = await HostingTestServer.StartAsync("--Logging:LogLevel:Default", "Information",
            "--Logging:LogLevel:Microsoft.AspNetCore", "Information", "--Logging:LogLevel:Microsoft.EntityFrameworkCore", "Information");

        var stored = await server.Client.PostAsync("/dicom-web/studies", new MultipartBody().Part(await File.ReadAllBytesAsync(TestData.PathOf(Ct))).Close().ToContent());
        await server.Client.GetAsync($"/dicom-web/studies?PatientName={Uri.EscapeDataString(name)}&PatientID={id}");
        await server.Client.GetAsync($"/dicom-web/studies?00100010={Uri.EscapeDataString(name)}&00100020={id}&fuzzymatching=true");
        await server.Client.GetAsync($"/dicom-web/studies/{study}/metadata");
        await server.Client.GetAsync($"/wado?requestType=WADO&studyUID={study}&PatientName={Uri.EscapeDataString(name)}");
        var logs = await ReadAllLogsAsync(await server.StopAndReadLogsAsync());

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Contains("HTTP POST /dicom-web/studies responded 200", logs);
        Assert.DoesNotContain(name.Split('^')[0], logs, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(id, logs);
    }

    [Fact]
    public async Task Log_file_rotates_at_its_size_limit_and_keeps_the_configured_number_of_files()
    {
        await using var server = await HostingTestServer.StartAsync("--Logging:LogLevel:Default", "Information",
            "--DicomWeb:Logging:FileSizeLimitBytes", "1024", "--DicomWeb:Logging:RetainedFileCount", "3");

        for (var i = 0; i < 60; i++) await server.Client.GetAsync("/health/live");
        var files = await server.StopAndReadLogsAsync();

        Assert.Equal(3, files.Length);
        Assert.DoesNotContain(Path.Combine(server.LogFolder, "dicomweb.log"), files);
        Assert.All(files, f => Assert.Matches(@"dicomweb_\d{3}\.log$", f));
        // A file is closed once it reaches the limit; the event that crossed it is the most it can overshoot by.
        Assert.All(files, f => Assert.True(new FileInfo(f).Length <= 1024 + 300, $"{f}: {new FileInfo(f).Length} bytes"));
        Assert.Contains("HTTP GET /health/live responded 200", await ReadAllLogsAsync(files));
    }

    [Fact]
    public async Task Readiness_turns_503_when_the_database_and_then_the_data_folder_are_gone()
    {
        await using var server = await HostingTestServer.StartAsync();
        var ready = await server.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        foreach (var file in Directory.GetFiles(server.DataPath, "index.db*")) File.Delete(file);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var noDatabase = await server.Client.GetAsync("/health/ready");
        using var noDatabaseJson = JsonDocument.Parse(await noDatabase.Content.ReadAsStringAsync());

        Directory.Delete(server.DataPath, recursive: true);
        var nothing = await server.Client.GetAsync("/health/ready");
        using var nothingJson = JsonDocument.Parse(await nothing.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, noDatabase.StatusCode);
        Assert.Equal("Unhealthy", noDatabaseJson.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", noDatabaseJson.RootElement.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.False(File.Exists(Path.Combine(server.DataPath, "index.db")), "the readiness check must not create an empty database");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, nothing.StatusCode);
        Assert.Equal("Unhealthy", nothingJson.RootElement.GetProperty("checks").GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, (await server.Client.GetAsync("/health/live")).StatusCode);
    }

    [Fact]
    public async Task Metrics_endpoint_reports_latency_and_bytes_per_route_and_stored_instances()
    {
        // A process of its own: meters are process-wide, and other servers in the test process would add their requests.
        await using var server = await HostingServerProcess.StartAsync("--DicomWeb:Metrics:StorageRefreshSeconds", "0");
        var bytes = await File.ReadAllBytesAsync(TestData.PathOf(Ct));
        var body = new MultipartBody().Part(bytes).Close().ToArray();
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", new MultipartBody().ContentType());
        var stored = await server.Client.PostAsync("/dicom-web/studies", content);
        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        var capabilities = await server.Client.GetByteArrayAsync("/dicom-web");

        // Durations are recorded as each request ends, possibly just after the client has its answer: scrape until they show.
        var storeCount = new Regex(@"http_server_request_duration_seconds_count\{[^}]*http_route=""/dicom-web/studies""[^}]*\} (\d+)");
        var text = "";
        for (var attempt = 0; attempt < 100 && !(storeCount.IsMatch(text) && text.Contains("http_route=\"/dicom-web\"")); attempt++)
        {
            if (attempt > 0) await Task.Delay(100);
            text = await server.Client.GetStringAsync("/metrics");
        }

        Assert.Equal("1", storeCount.Match(text).Groups[1].Value);
        Assert.Matches(@"http_server_request_duration_seconds_bucket\{[^}]*http_route=""/dicom-web""", text);
        Assert.Matches($@"http_server_request_body_size_bytes_sum\{{[^}}]*http_route=""/dicom-web/studies""[^}}]*\}} {body.Length}\b", text);
        Assert.Matches($@"http_server_response_body_size_bytes_sum\{{[^}}]*http_request_method=""GET"",http_route=""/dicom-web""[^}}]*\}} {capabilities.Length}\b", text);
        Assert.Matches(@"dicomweb_storage_instances\{[^}]*\} 1\b", text);
        Assert.Matches($@"dicomweb_storage_size_bytes\{{[^}}]*\}} {bytes.Length}\b", text);
    }

    [Fact]
    public async Task Swagger_document_lists_every_mapped_route_and_method()
    {
        await using var server = await HostingTestServer.StartAsync(AuthTokens.SymmetricSettings());
        using var json = JsonDocument.Parse(await server.Client.GetStringAsync("/swagger/v1/swagger.json"));
        var paths = json.RootElement.GetProperty("paths");
        var routes = EndpointCatalog.Routes(server.Services.GetRequiredService<EndpointDataSource>());

        Assert.True(routes.Count >= 8, $"only {routes.Count} routes");
        foreach (var route in routes)
        {
            Assert.True(paths.TryGetProperty(route.Path, out var item), $"{route.Path} missing from the OpenAPI document");
            foreach (var method in route.Methods.Count > 0 ? route.Methods : ["GET"])
                Assert.True(item.TryGetProperty(method.ToLowerInvariant(), out _), $"{method} {route.Path} missing from the OpenAPI document");
            foreach (var parameter in route.Parameters)
                Assert.Contains($"{{{parameter}}}", route.Path);
        }
        var store = paths.GetProperty("/dicom-web/studies").GetProperty("post");
        Assert.True(store.GetProperty("requestBody").GetProperty("content").TryGetProperty("multipart/related", out _));
        Assert.True(store.GetProperty("responses").TryGetProperty("401", out _));
        Assert.True(store.TryGetProperty("security", out _));
        Assert.Equal("bearer", json.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
        var study = paths.GetProperty("/dicom-web/studies/{study}").GetProperty("post").GetProperty("parameters");
        Assert.Contains(study.EnumerateArray(), p => p.GetProperty("name").GetString() == "study" && p.GetProperty("in").GetString() == "path");
        Assert.False(paths.GetProperty("/health/live").GetProperty("get").TryGetProperty("security", out _));
    }

    [Fact]
    public async Task Capabilities_describe_exactly_the_routes_under_the_root_as_WADL_and_JSON()
    {
        await using var server = await HostingTestServer.StartAsync();
        var expected = EndpointCatalog.RoutesUnder(server.Services.GetRequiredService<EndpointDataSource>(), "/dicom-web")
            .SelectMany(r => r.Methods.Select(m => $"{m} {r.Path}")).Order(StringComparer.Ordinal).ToList();

        var wadlResponse = await server.Client.SendAsync(new HttpRequestMessage(HttpMethod.Options, "/dicom-web"));
        var wadl = XDocument.Parse(await wadlResponse.Content.ReadAsStringAsync());
        var jsonRequest = new HttpRequestMessage(HttpMethod.Get, "/dicom-web");
        jsonRequest.Headers.Add("Accept", "application/json");
        var jsonResponse = await server.Client.SendAsync(jsonRequest);
        using var json = JsonDocument.Parse(await jsonResponse.Content.ReadAsStringAsync());
        var refusedRequest = new HttpRequestMessage(HttpMethod.Get, "/dicom-web");
        refusedRequest.Headers.Add("Accept", "image/png");

        Assert.Equal(HttpStatusCode.OK, wadlResponse.StatusCode);
        Assert.Equal(CapabilitiesEndpoints.WadlMediaType, wadlResponse.Content.Headers.ContentType!.MediaType);
        Assert.Equal("GET, OPTIONS", wadlResponse.Content.Headers.Allow.Count > 0 ? string.Join(", ", wadlResponse.Content.Headers.Allow) : "");
        XNamespace ns = "http://wadl.dev.java.net/2009/02";
        var fromWadl = wadl.Descendants(ns + "resource")
            .SelectMany(r => r.Elements(ns + "method").Select(m => $"{m.Attribute("name")!.Value} /dicom-web{(r.Attribute("path")!.Value is "" ? "" : "/" + r.Attribute("path")!.Value)}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, fromWadl);
        Assert.Equal($"{server.Address}dicom-web/", wadl.Descendants(ns + "resources").Single().Attribute("base")!.Value);

        Assert.Equal(HttpStatusCode.OK, jsonResponse.StatusCode);
        var fromJson = json.RootElement.GetProperty("resources").EnumerateArray()
            .SelectMany(r => r.GetProperty("methods").EnumerateArray().Select(m =>
                $"{m.GetProperty("name").GetString()} /dicom-web{(r.GetProperty("path").GetString() is "" or null ? "" : "/" + r.GetProperty("path").GetString())}"))
            .Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, fromJson);
        Assert.Contains("POST /dicom-web/studies", fromJson);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await server.Client.SendAsync(refusedRequest)).StatusCode);
    }
}
