using DicomWeb.Dicom;
using DicomWeb.Storage.Query;

namespace DicomWeb.Storage.Tests;

/// <summary>Query parameters to <see cref="SearchQuery"/>: attribute resolution, matching kinds, paging and errors.</summary>
public sealed class QueryParserTests
{
    private static readonly SearchOptions Options = new() { MaxResults = 50 };

    private static SearchQuery Parse(string query, QueryLevel level = QueryLevel.Study, string? study = null, string? series = null) =>
        SearchQueryParser.Parse(level, study, series, Pairs(query), Options);

    private static IEnumerable<KeyValuePair<string, string?>> Pairs(string query) =>
        query.Length == 0
            ? []
            : query.Split('&').Select(p => p.Split('=', 2)).Select(p => new KeyValuePair<string, string?>(p[0], p.Length > 1 ? p[1] : ""));

    private static Matcher Single(string query, QueryLevel level = QueryLevel.Study) => Assert.Single(Parse(query, level).Conditions).Matcher;

    [Fact]
    public void Keyword_tag_and_dotted_paths_name_the_same_attributes()
    {
        Assert.Equal(DicomTags.PatientID, Assert.Single(Parse("PatientID=X").Conditions).Attribute.Tag);
        Assert.Equal(DicomTags.PatientID, Assert.Single(Parse("00100020=X").Conditions).Attribute.Tag);
        Assert.Equal(DicomTags.StudyInstanceUID, Assert.Single(Parse("0020000d=1.2.3").Conditions).Attribute.Tag);
        var byKeyword = Assert.Single(Parse("RequestAttributesSequence.RequestedProcedureID=RP", QueryLevel.Series).Conditions).Attribute;
        var byTags = Assert.Single(Parse("00400275.00401001=RP", QueryLevel.Series).Conditions).Attribute;
        Assert.Same(byKeyword, byTags);
        Assert.Equal("RequestAttributesSequence.RequestedProcedureID", byKeyword.Name);
    }

    [Fact]
    public void Institution_name_is_the_studys_for_studies_and_the_series_own_below()
    {
        Assert.Equal(IndexEntity.Study, Assert.Single(Parse("InstitutionName=X").Conditions).Attribute.Entity);
        Assert.Equal(IndexEntity.Series, Assert.Single(Parse("InstitutionName=X", QueryLevel.Series).Conditions).Attribute.Entity);
        Assert.Equal(IndexEntity.Series, Assert.Single(Parse("InstitutionName=X", QueryLevel.Instance).Conditions).Attribute.Entity);
    }

    [Fact]
    public void Values_become_the_matching_kind_their_attribute_and_syntax_call_for()
    {
        Assert.Equal(new SingleValueMatch("ACC1"), Single("AccessionNumber=ACC1"));
        Assert.Equal(new WildcardMatch("AC?1*"), Single("AccessionNumber=AC?1*"));
        Assert.Equal(new SingleValueMatch("a,b"), Single("StudyDescription=a,b"));
        Assert.IsType<ListMatch>(Single("StudyInstanceUID=1.2.3\\1.2.4"));
        Assert.Equal(["1.2.3", "1.2.4"], ((ListMatch)Single("StudyInstanceUID=1.2.3,1.2.4")).Values);
        Assert.Equal(["CT", "MR"], ((ListMatch)Single("ModalitiesInStudy=CT\\MR")).Values);
        Assert.Equal(new SingleValueMatch("CT"), Single("Modality=CT", QueryLevel.Series));
        Assert.Equal([3, 4], ((IntegerMatch)Single("SeriesNumber=3,4", QueryLevel.Series)).Values);
        Assert.Equal(new DicomDateRange(new DicomDate(2020, 1, 1), null), ((DateRangeMatch)Single("StudyDate=20200101-")).Range);
        Assert.False(((DateRangeMatch)Single("StudyDate=20200101")).Range.IsRange);
        Assert.True(((TimeRangeMatch)Single("StudyTime=10-12")).Range.IsRange);
    }

    [Fact]
    public void Empty_and_star_values_match_everything_but_are_returned()
    {
        var query = Parse("PatientName=&StudyDescription=*&PatientComments=");
        Assert.Empty(query.Conditions);
        Assert.Equal([DicomTags.PatientName, DicomTags.StudyDescription, DicomTags.PatientComments], query.IncludeFields);
    }

    [Fact]
    public void A_date_and_its_time_combine_into_one_range()
    {
        var condition = Assert.Single(Parse("StudyTime=1000-&StudyDate=20200101-20200102").Conditions);
        Assert.Equal(DicomTags.StudyDate, condition.Attribute.Tag);
        var match = Assert.IsType<DateTimeRangeMatch>(condition.Matcher);
        Assert.Equal(DicomTags.StudyTime, match.TimeAttribute.Tag);
        Assert.Equal(new DateTimeOffset(2020, 1, 1, 10, 0, 0, TimeSpan.Zero), match.Range.GetEarliest());
        Assert.Equal(new DateTime(2020, 1, 2).AddDays(1).AddTicks(-10), match.Range.GetLatest()!.Value.DateTime);
        // A time alone, or with an empty date, stays a time range.
        Assert.IsType<TimeRangeMatch>(Assert.Single(Parse("StudyTime=1000-&StudyDate=").Conditions).Matcher);
        Assert.Equal(2, Parse("SeriesTime=10&StudyDate=20200101", QueryLevel.Series).Conditions.Count);
    }

    [Fact]
    public void Fuzzy_names_split_into_folded_words()
    {
        var query = Parse("fuzzymatching=true&PatientName=José^mc-Donald  *");
        Assert.True(query.FuzzyMatching);
        Assert.Equal(["JOSE", "MC", "DONALD"], ((FuzzyNameMatch)Assert.Single(query.Conditions).Matcher).Words);
        Assert.Equal(new WildcardMatch("José*"), Single("PatientName=José*"));
        Assert.Equal(new SingleValueMatch("X"), Single("fuzzymatching=true&PatientID=X"));
    }

    [Fact]
    public void Includefield_takes_lists_tags_keywords_and_all()
    {
        var query = Parse("includefield=PatientAge,00081030&includefield=RequestAttributesSequence.RequestedProcedureID");
        Assert.False(query.IncludeAll);
        Assert.Equal([DicomTags.PatientAge, DicomTags.StudyDescription, DicomTags.RequestAttributesSequence], query.IncludeFields);
        Assert.True(Parse("includefield=all").IncludeAll);
    }

    [Fact]
    public void Limit_is_capped_by_the_maximum_and_only_then_flagged()
    {
        var none = Parse("");
        Assert.Equal((50, true, 0), (none.Limit, none.LimitedByServer, none.Offset));
        var small = Parse("limit=10&offset=20");
        Assert.Equal((10, false, 20), (small.Limit, small.LimitedByServer, small.Offset));
        var large = Parse("limit=500");
        Assert.Equal((50, true), (large.Limit, large.LimitedByServer));
        Assert.False(Parse("limit=50").LimitedByServer);
    }

    [Fact]
    public void Path_scope_becomes_conditions()
    {
        var query = Parse("", QueryLevel.Instance, "1.2.3", "1.2.3.4");
        Assert.Equal([DicomTags.StudyInstanceUID, DicomTags.SeriesInstanceUID], query.Conditions.Select(c => c.Attribute.Tag));
        Assert.Equal(("1.2.3", "1.2.3.4"), (query.StudyInstanceUid, query.SeriesInstanceUid));
    }

    [Theory]
    [InlineData("Nonsense=1", "unknown attribute 'Nonsense'")]
    [InlineData("PatientComments=x", "PatientComments is not supported for matching")]
    [InlineData("NumberOfStudyRelatedInstances=3", "computed for the response")]
    [InlineData("RetrieveURL=x", "RetrieveURL is not supported for matching")]
    [InlineData("StudyDate=20200230", "StudyDate: '20200230' is not a date")]
    [InlineData("StudyDate=2020", "is not a date")]
    [InlineData("PatientBirthDate=-", "is not a date")]
    [InlineData("StudyTime=12-11", "StudyTime: '12-11' is not a time")]
    [InlineData("StudyDate=20200101&StudyTime=99", "StudyTime: '99' is not a time")]
    [InlineData("StudyInstanceUID=1.2.3.", "'1.2.3.' is not a valid UID")]
    [InlineData("SOPClassesInStudy=abc", "'abc' is not a valid UID")]
    [InlineData("limit=-1", "limit must be a positive integer")]
    [InlineData("limit=1.5", "limit must be a positive integer")]
    [InlineData("offset=x", "offset must be zero or a positive integer")]
    [InlineData("limit=1&limit=2", "limit is given more than once")]
    [InlineData("fuzzymatching=1", "fuzzymatching must be true or false")]
    [InlineData("includefield=PatientAge,Bad", "includefield: unknown attribute 'Bad'")]
    [InlineData("StudyDate=20200101&StudyDate=20200102", "StudyDate is given more than once")]
    [InlineData("RequestAttributesSequence.Nope=1", "unknown attribute 'Nope' in 'RequestAttributesSequence.Nope'")]
    public void Bad_parameters_are_rejected_with_the_reason(string query, string reason)
    {
        var e = Assert.Throws<SearchQueryException>(() => Parse(query, QueryLevel.Series));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void Bad_uids_in_the_path_are_rejected()
    {
        Assert.Contains("not a valid StudyInstanceUID", Assert.Throws<SearchQueryException>(() => Parse("", QueryLevel.Series, "x.1")).Message);
        Assert.Contains("not a valid SeriesInstanceUID", Assert.Throws<SearchQueryException>(() => Parse("", QueryLevel.Instance, "1.2", "1..2")).Message);
    }
}
