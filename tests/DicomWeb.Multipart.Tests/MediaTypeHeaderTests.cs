namespace DicomWeb.Multipart.Tests;

public class MediaTypeHeaderTests
{
    [Theory]
    [InlineData("multipart/related; type=\"application/dicom\"; boundary=abc", "abc", "application/dicom", null)]
    [InlineData("multipart/related; type=application/dicom; boundary=\"abc\"", "abc", "application/dicom", null)]
    [InlineData("Multipart/Related;Type=\"application/dicom\";BOUNDARY=abc", "abc", "application/dicom", null)]
    [InlineData("  multipart/related ;  boundary = \"a b;c\" ; type = \"application/dicom+json\" ", "a b;c", "application/dicom+json", null)]
    [InlineData("multipart/related; boundary=----=_Part_0_12.34; start=\"<a@b>\"; type=\"application/dicom\"", "----=_Part_0_12.34", "application/dicom", null)]
    [InlineData("multipart/related;; boundary=abc;;", "abc", null, null)]
    [InlineData("multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.840.10008.1.2.1; boundary=x", "x", "application/dicom", "1.2.840.10008.1.2.1")]
    [InlineData("multipart/related; boundary=\"esc\\\"aped\"", "esc\"aped", null, null)]
    [InlineData("multipart/related; boundary=a,b", "a,b", null, null)]
    public void ParsesMultipartRelated(string header, string boundary, string? type, string? transferSyntax)
    {
        Assert.True(MediaTypeHeader.TryParseMultipartRelated(header, out string b, out string? t, out string? ts));
        Assert.Equal(boundary, b);
        Assert.Equal(type, t);
        Assert.Equal(transferSyntax, ts);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("application/dicom")]
    [InlineData("multipart/form-data; boundary=abc")]
    [InlineData("multipart/related; type=\"application/dicom\"")]
    [InlineData("multipart/related; boundary=")]
    [InlineData("multipart/related; boundary=\"\"")]
    [InlineData("multipart; boundary=abc")]
    public void RejectsOtherValues(string? header)
    {
        Assert.False(MediaTypeHeader.TryParseMultipartRelated(header, out _, out _, out _));
    }

    [Fact]
    public void ParsesAcceptLists()
    {
        IReadOnlyList<MediaTypeValue> list = MediaTypeHeader.ParseList(
            "multipart/related; type=\"application/dicom\"; transfer-syntax=*, multipart/related; type=\"application/octet-stream,x\"; q=0.5 ,, garbage, */*;q=0.1");
        Assert.Equal(3, list.Count);
        Assert.Equal("multipart/related", list[0].MediaType);
        Assert.Equal("application/dicom", list[0].GetParameter("TYPE"));
        Assert.Equal("*", list[0].GetParameter("transfer-syntax"));
        Assert.Equal(1.0, list[0].Quality);
        Assert.Equal("application/octet-stream,x", list[1].GetParameter("type"));
        Assert.Equal(0.5, list[1].Quality);
        Assert.Equal("*/*", list[2].MediaType);
        Assert.Equal(0.1, list[2].Quality);
        Assert.Empty(MediaTypeHeader.ParseList(null));
    }

    [Fact]
    public void TryParseSingle()
    {
        Assert.True(MediaTypeHeader.TryParse("Application/DICOM+JSON; charset=utf-8", out MediaTypeValue? value));
        Assert.Equal("application/dicom+json", value.MediaType);
        Assert.Equal("utf-8", value.Parameters["Charset"]);
        Assert.False(MediaTypeHeader.TryParse("nonsense", out _));
        Assert.False(MediaTypeHeader.TryParse("a/", out _));
    }
}
