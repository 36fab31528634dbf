using System.Net;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using DicomWeb.Dicom.Tests;
using static DicomWeb.Server.Tests.QidoTestData;

namespace DicomWeb.Server.Tests;

/// <summary>QIDO-RS over real HTTP against one server seeded with generated studies and corpus files.</summary>
public sealed class QidoSearchTests(QidoFixture fixture) : IClassFixture<QidoFixture>
{
    private const string Mine = "PatientID=QP-*";
    private HttpClient Client => fixture.Client;

    private Task<List<JsonElement>> Search(string url) => SearchAsync(Client, url);

    private async Task AssertStudies(string query, params GeneratedStudy[] expected) =>
        Assert.Equal(fixture.Uids(expected), StudyUids(await Search("/dicom-web/studies?" + query)));

    [Fact]
    public async Task Study_results_carry_the_required_and_computed_attributes()
    {
        var result = Assert.Single(await Search("/dicom-web/studies?PatientID=QP-001"));
        var doe = fixture.Doe;
        Assert.Equal("ISO_IR 192", Text(result, "00080005"));
        Assert.Equal("20200110", Text(result, "00080020"));
        Assert.Equal("083000", Text(result, "00080030"));
        Assert.Equal("ACC-1", Text(result, "00080050"));
        Assert.Equal("ONLINE", Text(result, "00080056"));
        Assert.Equal(["CT", "SR"], Texts(result, "00080061"));
        Assert.Equal(["1.2.840.10008.5.1.4.1.1.2", BasicTextSr], Texts(result, "00080062"));
        Assert.Equal("Smith^Anna", Text(result, "00080090"));
        Assert.Equal("CT CHEST", Text(result, "00081030"));
        Assert.Equal($"{fixture.BaseUrl}/studies/{doe.StudyUid}", Text(result, "00081190"));
        Assert.Equal("Doe^John", Text(result, "00100010"));
        Assert.Equal("QP-001", Text(result, "00100020"));
        Assert.Equal("19700101", Text(result, "00100030"));
        Assert.Equal("M", Text(result, "00100040"));
        Assert.Equal(doe.StudyUid, Text(result, "0020000D"));
        Assert.Equal("S1", Text(result, "00200010"));
        Assert.Equal(2, Number(result, "00201206"));
        Assert.Equal(4, Number(result, "00201208"));
        Assert.False(result.TryGetProperty("0020000E", out _), "a study result has no series attributes");
    }

    [Fact]
    public async Task Whole_index_lists_every_stored_study()
    {
        var all = await Search("/dicom-web/studies");
        Assert.Equal(fixture.Generated.Count + QidoFixture.CorpusStudyCount, all.Count);
        foreach (var file in QidoFixture.CorpusFiles)
            Assert.Contains(TestData.Entry(file).GetProperty("study_instance_uid").GetString(), StudyUids(all));
    }

    [Fact]
    public async Task Keyword_tag_and_alias_give_the_same_results()
    {
        var expected = fixture.Uids(fixture.Jeanne);
        Assert.Equal(expected, StudyUids(await Search("/dicom-web/studies?PatientID=QP-002")));
        Assert.Equal(expected, StudyUids(await Search("/dicom-web/studies?00100020=QP-002")));
        Assert.Equal(expected, StudyUids(await Search("/qidors/studies?00100020=QP-002")));
    }

    [Fact]
    public async Task Single_values_match_exactly_and_case_sensitively_outside_person_names()
    {
        await AssertStudies("PatientID=qp-001");
        await AssertStudies("StudyDescription=CT");
        await AssertStudies("AccessionNumber=ACC-1", fixture.Doe);
        await AssertStudies($"{Mine}&StudyDescription=CT%20ABDOMEN", fixture.Smith);
        await AssertStudies("PatientID=QP-003&AccessionNumber=ACC-1");
    }

    [Fact]
    public async Task Wildcards_match_any_run_and_any_single_character()
    {
        await AssertStudies("PatientID=QP-00?", fixture.Doe, fixture.Jeanne, fixture.Smith, fixture.Yamada, fixture.VanDoe);
        await AssertStudies($"{Mine}&StudyDescription=CT*", fixture.Doe, fixture.Smith);
        await AssertStudies($"{Mine}&AccessionNumber=*-3", fixture.Smith);
        await AssertStudies($"{Mine}&StudyDescription=*BR?IN", fixture.Jeanne);
        await AssertStudies($"{Mine}&StudyDescription=*", fixture.Doe, fixture.Jeanne, fixture.Smith, fixture.Yamada, fixture.VanDoe);
    }

    [Fact]
    public async Task Person_names_match_ignoring_case_and_accents()
    {
        await AssertStudies($"{Mine}&PatientName=doe^john", fixture.Doe);
        await AssertStudies($"{Mine}&PatientName=DOE*", fixture.Doe, fixture.Jeanne);
        await AssertStudies($"{Mine}&PatientName=doe^jeanne", fixture.Jeanne);
        await AssertStudies($"{Mine}&PatientName=*john*", fixture.Doe, fixture.Smith);
        await AssertStudies($"{Mine}&PatientName=Yamada^Tarou", fixture.Yamada);
        await AssertStudies($"{Mine}&PatientName=Yamada^Tarou=山田^太郎", fixture.Yamada);
        await AssertStudies($"{Mine}&ReferringPhysicianName=SMITH^anna", fixture.Doe);
        await AssertStudies($"{Mine}&PatientName=Doe");
    }

    [Fact]
    public async Task Fuzzy_matching_finds_word_prefixes_in_any_order()
    {
        await AssertStudies($"{Mine}&fuzzymatching=true&PatientName=john", fixture.Doe, fixture.Smith);
        await AssertStudies($"{Mine}&fuzzymatching=true&PatientName=john%20smith", fixture.Smith);
        await AssertStudies($"{Mine}&fuzzymatching=true&PatientName=paul^smi", fixture.Smith);
        await AssertStudies($"{Mine}&fuzzymatching=true&PatientName=doe", fixture.Doe, fixture.Jeanne, fixture.VanDoe);
        await AssertStudies($"{Mine}&fuzzymatching=true&PatientName=JEA", fixture.Jeanne);
        await AssertStudies($"{Mine}&fuzzymatching=true&PatientName=ohn");
        await AssertStudies($"{Mine}&fuzzymatching=true&ReferringPhysicianName=bob", fixture.Jeanne);
        await AssertStudies($"{Mine}&fuzzymatching=false&PatientName=john");
    }

    [Fact]
    public async Task Uid_lists_match_any_of_their_uids()
    {
        var (a, b) = (fixture.Doe.StudyUid, fixture.Smith.StudyUid);
        await AssertStudies($"StudyInstanceUID={a}%5C{b}", fixture.Doe, fixture.Smith);
        await AssertStudies($"StudyInstanceUID={a},{b}", fixture.Doe, fixture.Smith);
        await AssertStudies($"0020000D={b}", fixture.Smith);
        await AssertStudies($"SOPClassesInStudy={BasicTextSr}", fixture.Doe);
        var series = await Search($"/dicom-web/series?SeriesInstanceUID={fixture.Jeanne.Series[0].SeriesUid},{fixture.Doe.Series[1].SeriesUid}");
        Assert.Equal(new[] { fixture.Jeanne.Series[0].SeriesUid, fixture.Doe.Series[1].SeriesUid }.Order(), series.Select(s => Text(s, "0020000E")).Order());
    }

    [Fact]
    public async Task Date_ranges_match_closed_and_open_ranges()
    {
        await AssertStudies($"{Mine}&StudyDate=20200101-20200131", fixture.Doe, fixture.Jeanne);
        await AssertStudies($"{Mine}&StudyDate=-20200115", fixture.Doe, fixture.Jeanne, fixture.VanDoe);
        await AssertStudies($"{Mine}&StudyDate=20200201-", fixture.Smith, fixture.Yamada);
        await AssertStudies($"{Mine}&StudyDate=20200220", fixture.Smith);
        await AssertStudies($"{Mine}&PatientBirthDate=19800101-", fixture.Jeanne);
    }

    [Fact]
    public async Task Time_ranges_match_the_span_a_stored_time_covers()
    {
        await AssertStudies($"{Mine}&StudyTime=0800-0900", fixture.Doe);
        await AssertStudies($"{Mine}&StudyTime=23-", fixture.Smith);
        await AssertStudies($"{Mine}&StudyTime=235930", fixture.Smith);
        await AssertStudies($"{Mine}&StudyTime=1430", fixture.Jeanne);
        await AssertStudies($"{Mine}&StudyTime=-0002", fixture.Yamada);
    }

    [Fact]
    public async Task Date_and_time_together_form_one_range_of_instants()
    {
        // From 12 January 15:00 on: Jeanne's study on the 15th at 14:30 is inside, though its time alone is before 15:00.
        await AssertStudies($"{Mine}&StudyDate=20200112-&StudyTime=1500-", fixture.Jeanne, fixture.Smith, fixture.Yamada);
        await AssertStudies($"{Mine}&StudyDate=20200110&StudyTime=0830", fixture.Doe);
        await AssertStudies($"{Mine}&StudyDate=20200110-20200220&StudyTime=0900-2300", fixture.Jeanne);
        // A study without a time counts as the whole day.
        await AssertStudies($"{Mine}&StudyDate=20190601&StudyTime=1000-1100", fixture.VanDoe);
    }

    [Fact]
    public async Task Study_level_matching_on_series_and_instance_attributes()
    {
        await AssertStudies($"{Mine}&ModalitiesInStudy=CT", fixture.Doe, fixture.Smith);
        await AssertStudies($"{Mine}&ModalitiesInStudy=MR%5CPT", fixture.Jeanne, fixture.Smith);
        await AssertStudies($"{Mine}&Modality=SR", fixture.Doe);
        await AssertStudies($"{Mine}&ProtocolName=Chest*", fixture.Doe);
        await AssertStudies($"{Mine}&SOPClassUID=1.2.840.10008.5.1.4.1.1.128", fixture.Smith);
        var result = Assert.Single(await Search($"/dicom-web/studies?{Mine}&ModalitiesInStudy=PT"));
        Assert.Equal(["CT", "PT"], Texts(result, "00080061"));
    }

    [Fact]
    public async Task Series_of_a_study_carry_series_attributes()
    {
        var doe = fixture.Doe;
        var series = await Search($"/dicom-web/studies/{doe.StudyUid}/series");
        Assert.Equal(2, series.Count);
        var ct = series.Single(s => Text(s, "00080060") == "CT");
        Assert.Equal(doe.Series[0].SeriesUid, Text(ct, "0020000E"));
        Assert.Equal(doe.StudyUid, Text(ct, "0020000D"));
        Assert.Equal(1, Number(ct, "00200011"));
        Assert.Equal(3, Number(ct, "00201209"));
        Assert.Equal("AXIAL", Text(ct, "0008103E"));
        Assert.Equal($"{fixture.BaseUrl}/studies/{doe.StudyUid}/series/{doe.Series[0].SeriesUid}", Text(ct, "00081190"));
        var request = ct.GetProperty("00400275").GetProperty("Value")[0];
        Assert.Equal("SPS-1", Text(request, "00400009"));
        Assert.Equal("RP-1", Text(request, "00401001"));
        Assert.False(ct.TryGetProperty("00100010", out _), "series within a study carry no study attributes");
        var sr = series.Single(s => Text(s, "00080060") == "SR");
        Assert.Equal(1, Number(sr, "00201209"));
        Assert.False(sr.TryGetProperty("00400275", out _));
    }

    [Fact]
    public async Task All_series_carry_study_attributes_and_match_series_keys()
    {
        var jeanne = await Search("/dicom-web/series?PatientID=QP-002");
        Assert.Equal(2, jeanne.Count);
        Assert.All(jeanne, s => Assert.Equal("Doé^Jeanne", Text(s, "00100010")));
        Assert.All(jeanne, s => Assert.Equal(3, Number(s, "00201208")));
        Assert.Equal([2, 1], jeanne.Select(s => Number(s, "00201209")!.Value).Order().Reverse());

        Assert.Equal(2, (await Search($"/dicom-web/series?{Mine}&Modality=MR")).Count);
        Assert.Equal(fixture.Doe.Series[0].SeriesUid,
            Text(Assert.Single(await Search("/dicom-web/series?RequestAttributesSequence.RequestedProcedureID=RP-1")), "0020000E"));
        Assert.Equal(fixture.Doe.Series[0].SeriesUid, Text(Assert.Single(await Search("/dicom-web/series?00400275.00400009=SPS-*")), "0020000E"));
        Assert.Single(await Search($"/dicom-web/series?{Mine}&BodyPartExamined=CHEST"));
        Assert.Equal(2, (await Search($"/dicom-web/series?{Mine}&SeriesNumber=2&ModalitiesInStudy=CT")).Count);
        Assert.Single(await Search($"/dicom-web/series?{Mine}&SeriesNumber=2&PatientName=smith*"));
    }

    [Fact]
    public async Task Instances_at_each_scope_carry_the_attributes_of_the_levels_not_in_the_path()
    {
        var doe = fixture.Doe;
        var ct = doe.Series[0];
        var inSeries = await Search($"/dicom-web/studies/{doe.StudyUid}/series/{ct.SeriesUid}/instances");
        Assert.Equal(ct.SopUids.Order(), inSeries.Select(i => Text(i, "00080018")).Order());
        Assert.Equal([1, 2, 3], inSeries.Select(i => Number(i, "00200013")!.Value).Order());
        foreach (var instance in inSeries)
        {
            Assert.Equal("1.2.840.10008.5.1.4.1.1.2", Text(instance, "00080016"));
            Assert.Equal(16, Number(instance, "00280010"));
            Assert.Equal(16, Number(instance, "00280011"));
            Assert.Equal(16, Number(instance, "00280100"));
            Assert.False(instance.TryGetProperty("00280008", out _), "Number of Frames only when known");
            Assert.Equal($"{fixture.BaseUrl}/studies/{doe.StudyUid}/series/{ct.SeriesUid}/instances/{Text(instance, "00080018")}", Text(instance, "00081190"));
            Assert.False(instance.TryGetProperty("00080060", out _), "no series attributes within a series");
        }

        var inStudy = await Search($"/dicom-web/studies/{doe.StudyUid}/instances");
        Assert.Equal(4, inStudy.Count);
        Assert.All(inStudy, i => Assert.NotNull(Text(i, "00080060")));
        Assert.All(inStudy, i => Assert.False(i.TryGetProperty("00100010", out _)));

        var all = Assert.Single(await Search($"/dicom-web/instances?PatientID=QP-003&InstanceNumber=2"));
        Assert.Equal("Smith^John^Paul", Text(all, "00100010"));
        Assert.Equal("CT", Text(all, "00080060"));
        Assert.Single(await Search($"/dicom-web/instances?{Mine}&SOPClassUID={BasicTextSr}"));
        Assert.Equal(2, (await Search($"/dicom-web/studies/{fixture.Smith.StudyUid}/instances?Modality=CT")).Count);
    }

    [Fact]
    public async Task Corpus_instances_report_what_the_manifest_says()
    {
        foreach (var file in QidoFixture.CorpusFiles)
        {
            var entry = TestData.Entry(file);
            string? Value(string name) => entry.GetProperty(name).ValueKind == JsonValueKind.Null ? null : entry.GetProperty(name).ToString();
            var result = Assert.Single(await Search($"/dicom-web/instances?SOPInstanceUID={Value("sop_instance_uid")}"));
            Assert.Equal(Value("sop_class_uid"), Text(result, "00080016"));
            Assert.Equal(Value("study_instance_uid"), Text(result, "0020000D"));
            Assert.Equal(Value("series_instance_uid"), Text(result, "0020000E"));
            Assert.Equal(Value("modality"), Text(result, "00080060"));
            Assert.Equal(Value("rows"), Text(result, "00280010"));
            Assert.Equal(Value("columns"), Text(result, "00280011"));
            Assert.Equal(Value("bits_allocated"), Text(result, "00280100"));
            Assert.Equal(Value("number_of_frames"), Text(result, "00280008"));
        }
    }

    [Fact]
    public async Task Includefield_adds_attributes_from_the_index_and_from_stored_metadata()
    {
        var doe = fixture.Doe;
        var byKeyword = Assert.Single(await Search("/dicom-web/studies?PatientID=QP-001&includefield=PatientComments"));
        Assert.Equal("allergic to iodine", Text(byKeyword, "00104000"));
        var byTag = Assert.Single(await Search("/dicom-web/studies?PatientID=QP-001&includefield=00104000,InstitutionName"));
        Assert.Equal("allergic to iodine", Text(byTag, "00104000"));
        var asEmptyKey = Assert.Single(await Search("/dicom-web/studies?PatientID=QP-001&PatientComments="));
        Assert.Equal("allergic to iodine", Text(asEmptyKey, "00104000"));
        var plain = Assert.Single(await Search("/dicom-web/studies?PatientID=QP-001"));
        Assert.False(plain.TryGetProperty("00104000", out _));

        var study = Assert.Single(await Search("/dicom-web/studies?PatientID=QP-001&includefield=all"));
        Assert.Equal("allergic to iodine", Text(study, "00104000"));
        Assert.Equal(["CT", "SR"], Texts(study, "00080061"));
        foreach (var notStudyLevel in new[] { "00080018", "00280010", "7FE00010", "00080060" })
            Assert.False(study.TryGetProperty(notStudyLevel, out _), $"{notStudyLevel} is not a study attribute");

        var series = Assert.Single(await Search($"/dicom-web/studies/{doe.StudyUid}/series?Modality=CT&includefield=all"));
        Assert.Equal("CHEST", Text(series, "00180015"));
        Assert.Equal("Chest Routine", Text(series, "00181030"));
        Assert.False(series.TryGetProperty("00280010", out _));

        var ct = doe.Series[0];
        var instance = (await Search($"/dicom-web/studies/{doe.StudyUid}/series/{ct.SeriesUid}/instances?InstanceNumber=1&includefield=all")).Single();
        var sop = Text(instance, "00080018");
        Assert.Equal("MONOCHROME2", Text(instance, "00280004"));
        Assert.Equal($"{fixture.BaseUrl}/studies/{doe.StudyUid}/series/{ct.SeriesUid}/instances/{sop}/bulk/7FE00010",
            instance.GetProperty("7FE00010").GetProperty("BulkDataURI").GetString());
    }

    [Fact]
    public async Task Pages_are_disjoint_and_together_hold_every_result()
    {
        var all = StudyUids(await Search("/dicom-web/studies"));
        var seen = new List<string>();
        for (var offset = 0; offset < all.Length; offset += 3)
        {
            var page = StudyUids(await Search($"/dicom-web/studies?limit=3&offset={offset}"));
            Assert.InRange(page.Length, 1, 3);
            Assert.Empty(page.Intersect(seen));
            seen.AddRange(page);
        }
        Assert.Equal(all, seen.Order().ToArray());
        Assert.Empty(await Search($"/dicom-web/studies?offset={all.Length}"));

        var instances = await Search($"/dicom-web/instances?{Mine}");
        var paged = new List<string>();
        for (var offset = 0; offset < instances.Count; offset += 4)
            paged.AddRange((await Search($"/dicom-web/instances?{Mine}&limit=4&offset={offset}")).Select(i => Text(i, "00080018")!));
        Assert.Equal(instances.Select(i => Text(i, "00080018")!).Order(), paged.Order());
        Assert.Equal(paged.Count, paged.Distinct().Count());
    }

    [Fact]
    public async Task No_match_is_an_empty_array()
    {
        var response = await Client.GetAsync("/dicom-web/studies?PatientID=nobody");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("[]", await response.Content.ReadAsStringAsync());
        Assert.Empty(await Search("/dicom-web/studies/1.2.3.4.5/series"));
    }

    [Theory]
    [InlineData("/dicom-web/studies?Foo=1", "unknown attribute 'Foo'")]
    [InlineData("/dicom-web/studies?0010001=1", "unknown attribute '0010001'")]
    [InlineData("/dicom-web/studies?PatientComments=x", "PatientComments is not supported for matching")]
    [InlineData("/dicom-web/studies?NumberOfStudyRelatedSeries=2", "NumberOfStudyRelatedSeries is not supported for matching")]
    [InlineData("/dicom-web/studies?StudyDate=2020-13-01", "StudyDate")]
    [InlineData("/dicom-web/studies?StudyDate=20201301", "is not a date")]
    [InlineData("/dicom-web/studies?StudyDate=20200201-20200101", "is not a date")]
    [InlineData("/dicom-web/studies?StudyTime=2500", "is not a time")]
    [InlineData("/dicom-web/studies?StudyDate=20200101&StudyTime=25", "StudyTime: '25' is not a time")]
    [InlineData("/dicom-web/studies?StudyInstanceUID=1.2.abc", "'1.2.abc' is not a valid UID")]
    [InlineData("/dicom-web/studies?StudyInstanceUID=1.2.3%5C1..2", "'1..2' is not a valid UID")]
    [InlineData("/dicom-web/studies/not-a-uid/series", "not a valid StudyInstanceUID")]
    [InlineData("/dicom-web/studies/1.2.3/series/1.2.x/instances", "not a valid SeriesInstanceUID")]
    [InlineData("/dicom-web/studies?limit=-1", "limit must be a positive integer")]
    [InlineData("/dicom-web/studies?limit=0", "limit must be a positive integer")]
    [InlineData("/dicom-web/studies?limit=ten", "limit must be a positive integer")]
    [InlineData("/dicom-web/studies?offset=-5", "offset must be zero or a positive integer")]
    [InlineData("/dicom-web/studies?fuzzymatching=yes", "fuzzymatching must be true or false")]
    [InlineData("/dicom-web/series?SeriesNumber=one", "'one' is not an integer")]
    [InlineData("/dicom-web/studies?includefield=Nonsense", "includefield: unknown attribute 'Nonsense'")]
    [InlineData("/dicom-web/studies?PatientID=a&PatientID=b", "PatientID is given more than once")]
    [InlineData("/dicom-web/studies?RequestAttributesSequence.Bogus=1", "unknown attribute 'Bogus'")]
    [InlineData("/dicom-web/studies?RequestAttributesSequence=1", "RequestAttributesSequence is not supported for matching")]
    public async Task Bad_searches_get_400_with_the_reason(string url, string reason)
    {
        var response = await Client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(body);
        Assert.Contains(reason, problem.RootElement.GetProperty("detail").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/dicom+json")]
    [InlineData("application/json")]
    [InlineData("*/*")]
    [InlineData("text/html, application/dicom+json;q=0.5")]
    public async Task Json_is_the_default_and_answers_json_accept_headers(string? accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies?PatientID=QP-001");
        if (accept != null) request.Headers.TryAddWithoutValidation("Accept", accept);
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/dicom+json", response.Content.Headers.ContentType!.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(1, json.RootElement.GetArrayLength());
    }

    [Theory]
    [InlineData("text/html")]
    [InlineData("application/dicom+xml")]
    [InlineData("multipart/related; type=\"application/dicom\"")]
    public async Task Unsupported_accept_gets_406(string accept)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/dicom-web/studies");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        Assert.Equal(HttpStatusCode.NotAcceptable, (await Client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Multipart_xml_has_one_native_dicom_model_part_per_result()
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/dicom-web/studies?{Mine}");
        request.Headers.TryAddWithoutValidation("Accept", "multipart/related; type=\"application/dicom+xml\"");
        var response = await Client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contentType = response.Content.Headers.ContentType!;
        Assert.Equal("multipart/related", contentType.MediaType);
        Assert.Equal("\"application/dicom+xml\"", contentType.Parameters.Single(p => p.Name == "type").Value);
        var boundary = contentType.Parameters.Single(p => p.Name == "boundary").Value!.Trim('"');
        var body = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync());
        var parts = body.Split("--" + boundary).Skip(1).Where(p => !p.StartsWith("--")).ToList();
        Assert.Equal(fixture.Generated.Count, parts.Count);
        XNamespace ns = "http://dicom.nema.org/PS3.19/models/NativeDICOM";
        var names = new List<string>();
        foreach (var part in parts)
        {
            var split = part.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            Assert.Contains("Content-Type: application/dicom+xml", part[..split]);
            var xml = XDocument.Parse(part[(split + 4)..].TrimEnd('\r', '\n').TrimStart('\uFEFF'));
            var name = xml.Root!.Elements(ns + "DicomAttribute").Single(e => (string?)e.Attribute("tag") == "00100010");
            names.Add(name.Descendants(ns + "FamilyName").First().Value);
        }
        Assert.Equal(["Doe", "Doé", "Smith", "Yamada", "van Doe"], names.Order(StringComparer.Ordinal));
    }
}
