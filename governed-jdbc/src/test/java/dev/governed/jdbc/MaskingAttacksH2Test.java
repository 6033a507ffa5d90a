package dev.governed.jdbc;

import java.util.Properties;

class MaskingAttacksH2Test extends MaskingAttacksContract {

    @Override
    String newDatabaseUrl() {
        return "jdbc:h2:mem:masking_attacks_" + System.nanoTime() + ";DB_CLOSE_DELAY=-1";
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
