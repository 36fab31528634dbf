namespace DicomWeb.Dicom.Tests.Values;

public class DicomDatasetValueExtensionsTests
{
    private static DicomDataset Dataset() => new DicomDataset()
        .SetStrings(DicomTags.StudyDate, DicomVR.DA, "20010105")
        .SetStrings(DicomTags.StudyTime, DicomVR.TM, "103015.5 ")
        .SetStrings(DicomTags.PatientName, DicomVR.PN, "Yamada^Tarou=山田^太郎=やまだ^たろう")
        .SetStrings(DicomTags.PatientAge, DicomVR.AS, "045Y");

    [Fact]
    public void ReadsTypedValues()
    {
        var dataset = Dataset();
        Assert.Equal(new DicomDate(2001, 1, 5), dataset.GetDate(DicomTags.StudyDate));
        Assert.Equal("103015.5", dataset.GetTime(DicomTags.StudyTime).ToString());
        Assert.Equal("Tarou", dataset.GetPersonName(DicomTags.PatientName)!.Value.GivenName);
        Assert.Equal(new DicomAgeString(45, DicomAgeUnit.Years), dataset.GetAgeString(DicomTags.PatientAge));
        Assert.Equal("20010105103015.5", dataset.GetDateTime(DicomTags.StudyDate, DicomTags.StudyTime).ToString());
    }

    [Fact]
    public void ReadsDateTimeAndFirstOfSeveralValues()
    {
        var dataset = new DicomDataset()
            .SetStrings(DicomTags.AcquisitionDateTime, DicomVR.DT, "20010105103015.123-0500")
            .SetStrings(DicomTags.OtherPatientNames, DicomVR.PN, "Doe^John", "Roe^Richard");
        var value = dataset.GetDateTime(DicomTags.AcquisitionDateTime);
        Assert.Equal(TimeSpan.FromHours(-5), value!.Value.Offset);
        Assert.Equal("Doe^John", dataset.GetPersonName(DicomTags.OtherPatientNames).ToString());
    }

    [Fact]
    public void ReadsEncodedBytes()
    {
        var dataset = new DicomDataset();
        dataset.Set(new DicomDataElement(DicomTags.StudyDate, DicomVR.DA, "20010105"u8.ToArray()));
        dataset.Set(new DicomDataElement(DicomTags.PatientName, DicomVR.PN, "Adams^John "u8.ToArray()));
        Assert.Equal(new DicomDate(2001, 1, 5), dataset.GetDate(DicomTags.StudyDate));
        Assert.Equal("Adams^John", dataset.GetPersonName(DicomTags.PatientName).ToString());
    }

    [Fact]
    public void NullWhenAbsent()
    {
        var dataset = new DicomDataset();
        Assert.Null(dataset.GetDate(DicomTags.StudyDate));
        Assert.Null(dataset.GetTime(DicomTags.StudyTime));
        Assert.Null(dataset.GetDateTime(DicomTags.AcquisitionDateTime));
        Assert.Null(dataset.GetDateTime(DicomTags.StudyDate, DicomTags.StudyTime));
        Assert.Null(dataset.GetPersonName(DicomTags.PatientName));
        Assert.Null(dataset.GetAgeString(DicomTags.PatientAge));
    }

    [Fact]
    public void NullWhenEmpty()
    {
        var dataset = new DicomDataset()
            .SetStrings(DicomTags.StudyDate, DicomVR.DA, "")
            .SetStrings(DicomTags.StudyTime, DicomVR.TM, " ")
            .SetStrings(DicomTags.AcquisitionDateTime, DicomVR.DT, "")
            .SetStrings(DicomTags.PatientName, DicomVR.PN, "^^^^")
            .SetStrings(DicomTags.PatientAge, DicomVR.AS, "");
        Assert.Null(dataset.GetDate(DicomTags.StudyDate));
        Assert.Null(dataset.GetTime(DicomTags.StudyTime));
        Assert.Null(dataset.GetDateTime(DicomTags.AcquisitionDateTime));
        Assert.Null(dataset.GetPersonName(DicomTags.PatientName));
        Assert.Null(dataset.GetAgeString(DicomTags.PatientAge));
    }

    [Fact]
    public void NullWhenMalformed()
    {
        var dataset = new DicomDataset()
            .SetStrings(DicomTags.StudyDate, DicomVR.DA, "2001-01-05")
            .SetStrings(DicomTags.StudyTime, DicomVR.TM, "021")
            .SetStrings(DicomTags.AcquisitionDateTime, DicomVR.DT, "2001+9900")
            .SetStrings(DicomTags.PatientName, DicomVR.PN, "A^B^C^D^E^F")
            .SetStrings(DicomTags.PatientAge, DicomVR.AS, "45Y");
        Assert.Null(dataset.GetDate(DicomTags.StudyDate));
        Assert.Null(dataset.GetTime(DicomTags.StudyTime));
        Assert.Null(dataset.GetDateTime(DicomTags.AcquisitionDateTime));
        Assert.Null(dataset.GetDateTime(DicomTags.StudyDate, DicomTags.StudyTime));
        Assert.Null(dataset.GetPersonName(DicomTags.PatientName));
        Assert.Null(dataset.GetAgeString(DicomTags.PatientAge));
    }

    [Fact]
    public void CombinedDateTimeWithMalformedTimeIsTheWholeDay()
    {
        var dataset = new DicomDataset()
            .SetStrings(DicomTags.StudyDate, DicomVR.DA, "20010105")
            .SetStrings(DicomTags.StudyTime, DicomVR.TM, "99");
        Assert.Equal("20010105", dataset.GetDateTime(DicomTags.StudyDate, DicomTags.StudyTime).ToString());
    }
}
