package dev.governed.jdbc;

import java.util.Properties;

class MaskingCorpusH2Test extends MaskingCorpusContract {

    @Override
    String newDatabaseUrl() {
        return "jdbc:h2:mem:masking_corpus_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
    }

    @Override
    Properties target() {
        Properties result = new Properties();
        result.setProperty("user", "sa");
        result.setProperty("password", "");
        return result;
    }

    @Override
    String database() {
        return "h2";
    }
}
