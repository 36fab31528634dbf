using System.Net;
using System.Text.Json;
using DicomWeb.Dicom;
using DicomWeb.Dicom.Tests;

namespace DicomWeb.Server.Tests;

/// <summary>WADO-URI (PS3.18 §9) over real HTTP.</summary>
public sealed class WadoUriTests(WadoNegotiationFixture fixture) : IClassFixture<WadoNegotiationFixture>
{
    private HttpClient Client => fixture.Server.Client;

    private static string Query(string path, string extra = "", string requestType = "requestType=WADO&")
    {
        var entry = TestData.Entry(path);
        return $"/wado?{requestType}studyUID={entry.GetProperty("study_instance_uid").GetString()}&seriesUID={entry.GetProperty("series_instance_uid").GetString()}" +
               $"&objectUID={entry.GetProperty("sop_instance_uid").GetString()}{extra}";
    }

    [Theory]
    [InlineData("")]
    [InlineData("&contentType=application/dicom")]
    [InlineData("&contentType=application%2Fdicom&transferSyntax=1.2.840.10008.1.2.1")]
    public async Task Object_comes_back_as_the_stored_Part_10_bytes(string extra)
    {
        var response = await Client.GetAsync(Query(WadoNegotiationFixture.Ct, extra), null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(WadoClient.Sha256(File.ReadAllBytes(TestData.PathOf(WadoNegotiationFixture.Ct))), WadoClient.Sha256(await response.Content.ReadAsByteArrayAsync()));
    }

    [Fact]
    public async Task Implicit_VR_object_is_sent_in_explicit_VR_unless_asked_as_stored()
    {
        var byDefault = await Client.GetAsync(Query(WadoNegotiationFixture.Mr), null);
        Assert.Equal("1.2.840.10008.1.2.1", DicomFile.Read(await byDefault.Content.ReadAsStreamAsync()).TransferSyntax.Uid);
        var asStored = await Client.GetAsync(Query(WadoNegotiationFixture.Mr, "&transferSyntax=1.2.840.10008.1.2"), null);
        Assert.Equal("1.2.840.10008.1.2", DicomFile.Read(await asStored.Content.ReadAsStreamAsync()).TransferSyntax.Uid);
    }

    [Theory]
    [InlineData("", "", "requestType is missing")]
    [InlineData("", "requestType=WADX&", "WADX")]
    [InlineData("&transferSyntax=1.2..3", "requestType=WADO&", "transferSyntax")]
    [InlineData("&transferSyntax=1.2.3.4", "requestType=WADO&", "not a known transfer syntax")]
    [InlineData("&contentType=", "requestType=WADO&studyUID=1.2&", "given 2 times")]
    public async Task Bad_parameters_get_400_with_a_reason(string extra, string prefix, string reason)
    {
        var response = await Client.GetAsync(Query(WadoNegotiationFixture.Ct, extra, prefix), null);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(reason, problem.RootElement.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Missing_and_invalid_UIDs_get_400_and_unknown_objects_404()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync("/wado?requestType=WADO&studyUID=1.2&seriesUID=1.3", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Client.GetAsync("/wado?requestType=WADO&studyUID=1.2&seriesUID=1.3&objectUID=x.y", null)).StatusCode);
        var unknown = await Client.GetAsync("/wado?requestType=WADO&studyUID=1.2&seriesUID=1.3&objectUID=1.4", null);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("&contentType=image/jpeg")]
    [InlineData("&contentType=image/png,image/gif")]
    public async Task Rendered_content_types_get_406_until_rendering_exists(string extra)
    {
        var response = await Client.GetAsync(Query(WadoNegotiationFixture.Ct, extra), null);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Contains("render", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Lossless_compressed_object_in_another_syntax_gets_406()
    {
        var response = await Client.GetAsync(Query(WadoNegotiationFixture.Jls, "&transferSyntax=1.2.840.10008.1.2.1"), null);
        Assert.Equal(HttpStatusCode.NotAcceptable, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Client.GetAsync(Query(WadoNegotiationFixture.Jls, "&transferSyntax=1.2.840.10008.1.2.4.80"), null)).StatusCode);
    }
}
