using System.Net;
using System.Text.Json;
using static DicomWeb.Server.Tests.QidoTestData;

namespace DicomWeb.Server.Tests;

/// <summary>QIDO-RS behaviour that depends on configuration or on data changing: each test runs its own server.</summary>
public sealed class QidoServerTests
{
    private static GeneratedStudy Study(string id, string name = "Test^Patient") => new()
    {
        PatientId = id, PatientName = name, StudyDate = "20240102", StudyTime = "101500",
        Series = [new GeneratedSeries { Modality = "CT", Instances = 1 }],
    };

    [Fact]
    public async Task Empty_index_answers_with_an_empty_array()
    {
        await using var server = await ServerHarness.StartAsync();
        foreach (var url in new[] { "/dicom-web/studies", "/dicom-web/series", "/dicom-web/instances", "/qidors/studies?PatientName=x*" })
        {
            var response = await server.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("[]", await response.Content.ReadAsStringAsync());
            Assert.False(response.Headers.Contains("Warning"));
        }
    }

    [Fact]
    public async Task Computed_counts_and_modalities_follow_instances_as_they_arrive()
    {
        await using var server = await ServerHarness.StartAsync();
        var study = new GeneratedStudy
        {
            PatientId = "GROW", PatientName = "Grow^Ing",
            Series = [new GeneratedSeries { Modality = "CT", Instances = 1 }, new GeneratedSeries { Modality = "MR", Number = 2, Instances = 2 }],
        };
        await StoreAsync(server.Client, study.Files(study.Series[0]));
        var first = Assert.Single(await SearchAsync(server.Client, "/dicom-web/studies?PatientID=GROW"));
        Assert.Equal(1, Number(first, "00201206"));
        Assert.Equal(1, Number(first, "00201208"));
        Assert.Equal(["CT"], Texts(first, "00080061"));

        await StoreAsync(server.Client, study.Files(study.Series[1]).Append(study.AddInstance(study.Series[0])));
        var second = Assert.Single(await SearchAsync(server.Client, "/dicom-web/studies?PatientID=GROW"));
        Assert.Equal(2, Number(second, "00201206"));
        Assert.Equal(4, Number(second, "00201208"));
        Assert.Equal(["CT", "MR"], Texts(second, "00080061"));
        var series = await SearchAsync(server.Client, $"/dicom-web/studies/{study.StudyUid}/series");
        Assert.Equal([2, 2], series.Select(s => Number(s, "00201209")!.Value));
        var instances = await SearchAsync(server.Client, $"/dicom-web/series?PatientID=GROW&Modality=CT");
        Assert.Equal(2, Number(Assert.Single(instances), "00201209"));
    }

    [Fact]
    public async Task Results_beyond_the_maximum_are_cut_with_a_warning_saying_how_many_more_match()
    {
        await using var server = await ServerHarness.StartAsync("--DicomWeb:Qido:MaxResults", "3");
        await StoreAsync(server.Client, Enumerable.Range(1, 5).SelectMany(i => Study($"MAX-{i}").Files()));
        var service = server.Client.BaseAddress + "dicom-web";

        foreach (var url in new[] { "/dicom-web/studies", "/dicom-web/studies?limit=10", "/dicom-web/instances?PatientID=MAX-*" })
        {
            var response = await server.Client.GetAsync(url);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(3, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetArrayLength());
            Assert.Equal($"299 {service}: \"There are 2 additional results that match the query.\"", Assert.Single(response.Headers.GetValues("Warning")));
        }

        var paged = await server.Client.GetAsync("/dicom-web/studies?offset=1");
        Assert.Equal("299 " + service + ": \"There are 1 additional results that match the query.\"", Assert.Single(paged.Headers.GetValues("Warning")));
        foreach (var url in new[] { "/dicom-web/studies?limit=2", "/dicom-web/studies?limit=3", "/dicom-web/studies?offset=2", "/dicom-web/studies?PatientID=MAX-1" })
        {
            var response = await server.Client.GetAsync(url);
            Assert.False(response.Headers.Contains("Warning"), url);
        }
        Assert.Equal(2, (await SearchAsync(server.Client, "/dicom-web/studies?limit=2")).Count);
        Assert.Equal(3, (await SearchAsync(server.Client, "/dicom-web/studies?offset=2")).Count);
    }

    [Fact]
    public async Task Person_names_can_be_configured_case_sensitive()
    {
        await using var server = await ServerHarness.StartAsync("--DicomWeb:Qido:CaseSensitivePersonNames", "true");
        var study = Study("CASE", "Doe^John");
        await StoreAsync(server.Client, study.Files());
        Assert.Empty(await SearchAsync(server.Client, "/dicom-web/studies?PatientName=doe^john"));
        Assert.Empty(await SearchAsync(server.Client, "/dicom-web/studies?PatientName=DOE*"));
        Assert.Single(await SearchAsync(server.Client, "/dicom-web/studies?PatientName=Doe^John"));
        Assert.Single(await SearchAsync(server.Client, "/dicom-web/studies?PatientName=D?e*"));
        Assert.Single(await SearchAsync(server.Client, "/dicom-web/studies?PatientName=doe&fuzzymatching=true"));
    }

    [Fact]
    public async Task Retrieve_urls_follow_the_reverse_proxy_headers()
    {
        await using var server = await ServerHarness.StartAsync();
        var study = Study("PROXY");
        await StoreAsync(server.Client, study.Files());
        var direct = server.Client.BaseAddress!.ToString().TrimEnd('/');

        async Task<string> Url(params (string Name, string Value)[] headers)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies?PatientID=PROXY");
            foreach (var (name, value) in headers) request.Headers.TryAddWithoutValidation(name, value);
            var response = await server.Client.SendAsync(request);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return Text(json.RootElement[0], "00081190")!;
        }

        var path = $"/dicom-web/studies/{study.StudyUid}";
        Assert.Equal(direct + path, await Url());
        Assert.Equal("https://pacs.example.org/pacs" + path,
            await Url(("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "pacs.example.org"), ("X-Forwarded-Prefix", "/pacs/")));
        Assert.Equal("https://pacs.example.org:8443" + path,
            await Url(("X-Forwarded-Proto", "https, http"), ("X-Forwarded-Host", "pacs.example.org, inner"), ("X-Forwarded-Port", "8443")));
        Assert.Equal("https://pacs.example.org" + path,
            await Url(("X-Forwarded-Proto", "https"), ("X-Forwarded-Host", "pacs.example.org"), ("X-Forwarded-Port", "443")));
        Assert.Equal("https://rfc7239.example:9443" + path,
            await Url(("Forwarded", "for=192.0.2.60;proto=https;host=\"rfc7239.example:9443\", for=10.0.0.1;proto=http;host=inner")));
        Assert.Equal("http://[2001:db8::1]:8080/viewer" + path,
            await Url(("Forwarded", "For=\"[2001:db8:cafe::17]:4711\";Host=\"[2001:db8::1]:8080\""), ("X-Forwarded-Prefix", "/viewer")));
        Assert.Equal("https://winner.example" + path,
            await Url(("Forwarded", "proto=https;host=winner.example"), ("X-Forwarded-Host", "loser.example")));
        // Values that are not a host, a scheme or a path are ignored rather than copied into URLs.
        Assert.Equal(direct + path,
            await Url(("X-Forwarded-Host", "evil.example/<script>"), ("X-Forwarded-Proto", "javascript"), ("X-Forwarded-Prefix", "no-slash")));
    }

    [Fact]
    public async Task Public_base_url_wins_and_forwarded_headers_can_be_distrusted()
    {
        await using (var server = await ServerHarness.StartAsync("--DicomWeb:PublicBaseUrl", "https://public.example/dicomweb/"))
        {
            var study = Study("PUBLIC");
            await StoreAsync(server.Client, study.Files());
            var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies");
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "proxy.example");
            var response = await server.Client.SendAsync(request);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal($"https://public.example/dicomweb/studies/{study.StudyUid}", Text(json.RootElement[0], "00081190"));
        }
        await using (var server = await ServerHarness.StartAsync("--DicomWeb:TrustForwardedHeaders", "false"))
        {
            var study = Study("DISTRUST");
            await StoreAsync(server.Client, study.Files());
            var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/series");
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "proxy.example");
            request.Headers.TryAddWithoutValidation("Forwarded", "host=proxy.example;proto=https");
            var response = await server.Client.SendAsync(request);
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.StartsWith(server.Client.BaseAddress + "dicom-web/studies/", Text(json.RootElement[0], "00081190"));
        }
    }
}
